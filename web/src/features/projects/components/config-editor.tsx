// The label config editor: CodeMirror 6 with XML highlighting. Diagnostics
// from the server's validation appear as underlines at their line and column
// and in a list below the editor.
import { useEffect, useRef } from "react";
import { basicSetup, EditorView } from "codemirror";
import { xml } from "@codemirror/lang-xml";
import { setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { offsetOf, type ConfigDiagnostic } from "../lib/config-diagnostics";

export function ConfigEditor({
  value,
  onChange,
  diagnostics,
}: {
  value: string;
  onChange: (value: string) => void;
  diagnostics: ConfigDiagnostic[];
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          xml(),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ "aria-label": "Label config XML" }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor owns its document after creation; outside changes arrive below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) {
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
    }
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const doc = editor.state.doc.toString();
    const marks: Diagnostic[] = diagnostics
      .filter((d) => d.line !== null)
      .map((d) => {
        const from = offsetOf(doc, d.line!, d.column ?? 1);
        const lineEnd = doc.indexOf("\n", from);
        return {
          from,
          to: Math.max(from + 1, Math.min(lineEnd < 0 ? doc.length : lineEnd, from + 40)),
          severity: d.severity,
          message: d.message,
        };
      })
      .map((d) => ({ ...d, to: Math.min(d.to, doc.length), from: Math.min(d.from, Math.max(0, doc.length - 1)) }));
    editor.dispatch(setDiagnostics(editor.state, marks));
  }, [diagnostics]);

  return (
    <div className="config-editor">
      <div ref={host} className="config-editor-host" />
      {diagnostics.length > 0 && (
        <ul className="diagnostics" aria-label="Problems in the label config">
          {diagnostics.map((d, index) => (
            <li key={index} className={`diagnostic diagnostic-${d.severity}`}>
              {d.line !== null && (
                <span className="diagnostic-position">
                  Line {d.line}, column {d.column}:
                </span>
              )}{" "}
              {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
