// The content of one widget: its chart, single figure, table or agreement,
// and for charts the same figures as a table under "Figures", which screen
// readers and the browser tests read.
import { useMemo } from "react";
import type { Widget, WidgetData } from "../api/dashboards";
import {
  chartOption,
  figureTable,
  formatFigure,
  numberFigure,
  type FigureTable,
  type TimeSpan,
} from "../lib/chart-data";
import { EChart } from "./echart";

function FiguresTable({ table, caption }: { table: FigureTable; caption: string }) {
  if (table.rows.length === 0) return <p className="muted">No data in this time range.</p>;
  return (
    <table className="simple-table widget-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          {table.columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, index) => (
          <tr key={index}>
            {row.map((cell, column) => (
              <td key={column}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AgreementBody({ data }: { data: WidgetData }) {
  const agreement = data.agreement;
  if (!agreement) return <p className="muted">No agreement figures.</p>;
  if (agreement.tasks_with_overlap === 0) {
    return <p className="muted">No task has two or more annotations yet, so there is no agreement to measure.</p>;
  }
  return (
    <div className="stack">
      <p className="widget-number" aria-label="Mean agreement">
        {agreement.agreement === null ? "–" : `${Math.round(agreement.agreement * 100)}%`}
      </p>
      <p className="muted">Mean agreement over {agreement.tasks_with_overlap} tasks with overlap</p>
      <FiguresTable
        caption="Agreement per control"
        table={{
          columns: ["Control", "Type", "Tasks", "Mean pair agreement"],
          rows: agreement.controls.map((control) => [
            control.from_name,
            control.type,
            formatFigure(control.tasks),
            control.mean_pair_agreement == null ? "–" : `${Math.round(control.mean_pair_agreement * 100)}%`,
          ]),
        }}
      />
    </div>
  );
}

export function WidgetBody({ widget, data, range }: { widget: Widget; data: WidgetData | undefined; range: TimeSpan }) {
  const rows = data?.data;
  const option = useMemo(() => (rows ? chartOption(widget, rows, range) : null), [widget, rows, range]);
  const table = useMemo(() => (rows ? figureTable(widget, rows) : null), [widget, rows]);

  if (!data) return <p className="muted">Loading…</p>;
  if (data.error) {
    return (
      <p className="form-error" role="alert">
        This widget's query is no longer valid: {data.error}. Edit the widget to fix it.
      </p>
    );
  }
  if (widget.type === "agreement") return <AgreementBody data={data} />;
  if (!rows || !table) return <p className="muted">No data.</p>;
  if (widget.type === "number") {
    return (
      <p className="widget-number" data-testid="widget-number">
        {numberFigure(widget, rows)}
      </p>
    );
  }
  if (widget.type === "table") return <div className="widget-scroll"><FiguresTable table={table} caption={widget.name} /></div>;
  return (
    <div className="widget-chart-body">
      {option && table.rows.length > 0 ? (
        <EChart option={option} label={`${widget.name} chart; the figures follow in a table`} />
      ) : (
        <p className="muted">No data in this time range.</p>
      )}
      <details className="widget-figures">
        <summary>Figures</summary>
        <FiguresTable table={table} caption={`${widget.name} figures`} />
      </details>
    </div>
  );
}
