// The judge template's variables as the server reads them
// (src/evals/evaluators_judge.cc): each {{ name }} whose name, with spaces
// and tabs trimmed, is letters, digits, '_', '-' or '.'. Anything else
// between braces stays text. Every variable needs a mapping to a trace
// field, so the mapping rows follow the template as it is edited.

export type MappingSource = "input" | "output" | "metadata" | "expected_output";

export interface VariableMapping {
  variable: string;
  source: string; // a MappingSource, or "metadata.<key>"
  jsonPath?: string; // "$.answer.items[0]"
  observationName?: string; // read from the trace's first observation of this name
}

const validName = /^[A-Za-z0-9_.-]+$/;

export function judgeVariables(template: string): string[] {
  const names: string[] = [];
  let position = 0;
  for (;;) {
    const open = template.indexOf("{{", position);
    if (open < 0) break;
    const close = template.indexOf("}}", open + 2);
    if (close < 0) break;
    const name = template.slice(open + 2, close).replace(/^[ \t]+|[ \t]+$/g, "");
    const valid = validName.test(name);
    if (valid && !names.includes(name)) names.push(name);
    position = valid ? close + 2 : open + 2;
  }
  return names;
}

// One mapping per template variable, in template order: existing mappings
// are kept, new variables read the trace output until the author picks a
// source, and mappings of removed variables are dropped.
export function syncMappings(template: string, mappings: VariableMapping[]): VariableMapping[] {
  return judgeVariables(template).map(
    (variable) => mappings.find((mapping) => mapping.variable === variable) ?? { variable, source: "output" },
  );
}

// Returns the mapping as the API takes it: empty optional fields left out.
export function mappingForApi(mapping: VariableMapping): VariableMapping {
  const out: VariableMapping = { variable: mapping.variable, source: mapping.source };
  if (mapping.jsonPath?.trim()) out.jsonPath = mapping.jsonPath.trim();
  if (mapping.observationName?.trim()) out.observationName = mapping.observationName.trim();
  return out;
}
