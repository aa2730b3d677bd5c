// A CodeMirror extension that marks {{variable}} tags and composition tags
// (@@@langfusePrompt:…@@@) in a template, so authors see at a glance what
// the compile step will fill in. Shared by the prompt editor and the
// evaluator template editor.
import { Decoration, EditorView, MatchDecorator, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";

const variableMark = Decoration.mark({ class: "cm-template-variable" });
const referenceMark = Decoration.mark({ class: "cm-template-reference" });

const matcher = new MatchDecorator({
  regexp: /\{\{\{?[^{}]*\}?\}\}|@@@langfusePrompt:[^@]*@@@/g,
  decoration: (match) => (match[0].startsWith("@@@") ? referenceMark : variableMark),
});

export const templateHighlight = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = matcher.createDeco(view);
    }
    update(update: ViewUpdate) {
      this.decorations = matcher.updateDeco(update, this.decorations);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
