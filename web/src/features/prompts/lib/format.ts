// Number formats for metrics tables: people read these, so they get fixed
// precision instead of whatever the JSON carried.

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  return value.toLocaleString("en-US", { maximumFractionDigits: 3 });
}

export function formatSeconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(2)} s`;
}

// USD with enough digits to show sub-cent generation costs.
export function formatCost(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value === 0) return "$0";
  return value < 0.01 ? `$${value.toPrecision(3)}` : `$${value.toFixed(4)}`;
}

// A difference with its sign, "—" when either side had no value.
export function formatSigned(value: number | null | undefined, unit = ""): string {
  if (value === null || value === undefined) return "—";
  const text = formatNumber(Math.abs(value));
  if (value > 0) return `+${text}${unit}`;
  if (value < 0) return `−${text}${unit}`;
  return `0${unit}`;
}
