// Time-series data of a TimeSeries object: parsing its CSV or inline JSON,
// reading its time column, and the time ranges of TimeSeriesLabels.
//
// Times are numbers on one axis. A time column read with a `timeFormat`
// becomes milliseconds since the Unix epoch (UTC), as Label Studio stores
// such bounds. A numeric time column keeps its own units. Without a time
// column, time is the row index from 0.

export interface TimeSeriesChannel {
  column: string;
  legend: string;
  units: string;
  strokeColor: string;
}

export interface TimeSeriesOptions {
  timeColumn: string | null;
  timeFormat: string | null; // strftime directives, as d3-time-format reads them
  sep: string;
  channels: TimeSeriesChannel[];
}

export interface TimeSeriesData {
  times: number[]; // ascending
  values: Record<string, number[]>; // channel column -> one value per time, NaN when empty
}

export type ParsedTimeSeries = { ok: true; data: TimeSeriesData } | { ok: false; message: string };

// Rows of a CSV text: fields split on `sep`, with double-quoted fields that
// may contain the separator, line breaks and doubled quotes. Empty lines
// are dropped.
export function parseCsv(text: string, sep: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === "") {
      quoted = true;
    } else if (text.startsWith(sep, i)) {
      row.push(field);
      field = "";
      i += sep.length - 1;
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      if (row.some((cell) => cell !== "")) rows.push(row);
      row = [];
      field = "";
    } else {
      field += char;
    }
  }
  row.push(field);
  if (row.some((cell) => cell !== "")) rows.push(row);
  return rows;
}

const monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

// Milliseconds since the epoch (UTC) of a text written in a strftime
// format, or null when the text does not match it. Reads %Y %y %m %d %H %I
// %M %S %f (up to 6 digits of fraction) %L (milliseconds) %p %b %B %j %%;
// raises RangeError on any other directive.
export function parseTime(text: string, format: string): number | null {
  let position = 0;
  let year = 1970;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let millisecond = 0;
  let pm: boolean | null = null;
  let dayOfYear: number | null = null;
  const digits = (min: number, max: number): number | null => {
    const match = new RegExp(`^\\d{${min},${max}}`).exec(text.slice(position));
    if (!match) return null;
    position += match[0].length;
    return Number(match[0]);
  };
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== "%") {
      if (text[position] !== format[i]) return null;
      position++;
      continue;
    }
    const directive = format[++i];
    let value: number | null;
    switch (directive) {
      case "Y":
        value = digits(4, 4);
        if (value !== null) year = value;
        break;
      case "y":
        value = digits(2, 2);
        // As in POSIX strptime: 69-99 are 1969-1999, 00-68 are 2000-2068.
        if (value !== null) year = value < 69 ? 2000 + value : 1900 + value;
        break;
      case "m":
        value = digits(1, 2);
        if (value !== null) month = value;
        break;
      case "d":
        value = digits(1, 2);
        if (value !== null) day = value;
        break;
      case "j":
        value = digits(1, 3);
        if (value !== null) dayOfYear = value;
        break;
      case "H":
      case "I":
        value = digits(1, 2);
        if (value !== null) hour = value;
        break;
      case "M":
        value = digits(1, 2);
        if (value !== null) minute = value;
        break;
      case "S":
        value = digits(1, 2);
        if (value !== null) second = value;
        break;
      case "f": {
        const start = position;
        value = digits(1, 6);
        if (value !== null) millisecond = (value / 10 ** (position - start)) * 1000;
        break;
      }
      case "L":
        value = digits(3, 3);
        if (value !== null) millisecond = value;
        break;
      case "p": {
        const marker = text.slice(position, position + 2).toUpperCase();
        value = marker === "AM" || marker === "PM" ? 0 : null;
        if (value !== null) {
          pm = marker === "PM";
          position += 2;
        }
        break;
      }
      case "b":
      case "B": {
        const rest = text.slice(position).toLowerCase();
        const index = monthNames.findIndex((name) => rest.startsWith(name));
        value = index < 0 ? null : index;
        if (index >= 0) {
          month = index + 1;
          const word = /^[a-z]+/.exec(rest)![0];
          position += directive === "B" ? word.length : 3;
        }
        break;
      }
      case "%":
        value = text[position] === "%" ? 0 : null;
        position++;
        break;
      default:
        throw new RangeError(`time format directive %${directive} is not supported`);
    }
    if (value === null) return null;
  }
  if (position !== text.length) return null;
  if (pm !== null) hour = (hour % 12) + (pm ? 12 : 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const start = Date.UTC(year, month - 1, dayOfYear ?? day, hour, minute, second, millisecond);
  return Number.isFinite(start) ? start : null;
}

// A time value of the time column as a number on the time axis.
function readTime(raw: unknown, format: string | null): number | null {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : null;
  if (typeof raw !== "string") return null;
  if (format) return parseTime(raw.trim(), format);
  const number = Number(raw);
  return raw.trim() !== "" && Number.isFinite(number) ? number : null;
}

function readNumber(raw: unknown): number {
  if (typeof raw === "number") return raw;
  if (typeof raw !== "string" || raw.trim() === "") return Number.NaN;
  return Number(raw);
}

// The series of named columns: `columns` maps a column name to its cells.
function seriesOfColumns(columns: Record<string, unknown[]>, length: number, options: TimeSeriesOptions): ParsedTimeSeries {
  const names = Object.keys(columns);
  for (const channel of options.channels) {
    if (!(channel.column in columns)) {
      return { ok: false, message: `The data has no column “${channel.column}” for a Channel; its columns are ${names.join(", ")}.` };
    }
  }
  let times: number[];
  if (options.timeColumn) {
    const cells = columns[options.timeColumn];
    if (!cells) {
      return { ok: false, message: `The data has no time column “${options.timeColumn}”; its columns are ${names.join(", ")}.` };
    }
    times = [];
    for (let row = 0; row < length; row++) {
      const time = readTime(cells[row], options.timeFormat);
      if (time === null) {
        const expected = options.timeFormat ? `in the format ${options.timeFormat}` : "a number";
        return { ok: false, message: `Row ${row + 1} of the time column “${options.timeColumn}” is “${String(cells[row])}”, not ${expected}.` };
      }
      if (row > 0 && time < times[row - 1]) {
        return { ok: false, message: `The time column “${options.timeColumn}” goes back in time at row ${row + 1}; sort the data by time.` };
      }
      times.push(time);
    }
  } else {
    times = Array.from({ length }, (_, index) => index);
  }
  const values: Record<string, number[]> = {};
  for (const channel of options.channels) values[channel.column] = Array.from({ length }, (_, row) => readNumber(columns[channel.column][row]));
  return { ok: true, data: { times, values } };
}

// The series of a CSV text whose first row names the columns.
export function timeSeriesFromCsv(text: string, options: TimeSeriesOptions): ParsedTimeSeries {
  const [header, ...rows] = parseCsv(text, options.sep);
  if (!header) return { ok: false, message: "The time-series CSV is empty." };
  const columns: Record<string, string[]> = {};
  header.forEach((name, index) => (columns[name.trim()] = rows.map((row) => row[index] ?? "")));
  return seriesOfColumns(columns, rows.length, options);
}

// The series of inline JSON data: an object of columns, each a list of values.
export function timeSeriesFromJson(data: unknown, options: TimeSeriesOptions): ParsedTimeSeries {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, message: "Inline time-series data must be an object of columns, each a list of values." };
  }
  const columns: Record<string, unknown[]> = {};
  let length = -1;
  for (const [name, cells] of Object.entries(data)) {
    if (!Array.isArray(cells)) return { ok: false, message: `The time-series column “${name}” is not a list.` };
    if (length >= 0 && cells.length !== length) {
      return { ok: false, message: `The time-series column “${name}” has ${cells.length} values, others have ${length}.` };
    }
    length = cells.length;
    columns[name] = cells;
  }
  return seriesOfColumns(columns, Math.max(length, 0), options);
}

// Min and max of each pixel column of a chart, so a line over many more
// points than pixels draws the same shape from at most 2 points per column.
// `times` must be ascending; returns [time, value] pairs in time order.
export function decimate(times: number[], values: number[], from: number, to: number, columns: number): [number, number][] {
  const points: [number, number][] = [];
  const span = to - from;
  if (span <= 0 || columns <= 0) return points;
  let bucket = -1;
  let low: [number, number] | null = null;
  let high: [number, number] | null = null;
  const flush = () => {
    if (!low || !high) return;
    if (low === high) points.push(low);
    else if (low[0] <= high[0]) points.push(low, high);
    else points.push(high, low);
  };
  for (let i = 0; i < times.length; i++) {
    const time = times[i];
    const value = values[i];
    if (time < from || time > to || Number.isNaN(value)) continue;
    const column = Math.min(columns - 1, Math.floor(((time - from) / span) * columns));
    if (column !== bucket) {
      flush();
      bucket = column;
      low = high = [time, value];
    } else {
      if (value < low![1]) low = [time, value];
      if (value > high![1]) high = [time, value];
    }
  }
  flush();
  return points;
}
