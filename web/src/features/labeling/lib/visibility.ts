// Conditional display (`visibleWhen`): which parts of the config show for
// the current annotation values and region selection. Controls inside a
// hidden part are left out of the submitted result, as Label Studio leaves
// out results of tags the annotator could not see.
import type { ConfigNode, EditorConfig, VisibleWhen } from "./config";
import type { EditorValues } from "./results";

export function isVisible(condition: VisibleWhen, values: EditorValues, selectedRegionId: string | null): boolean {
  // For choices, whenTagName names the Choices control; without it any counts.
  const choicesOf = (name: string | undefined): string[] =>
    name ? (values.choices[name] ?? []) : Object.values(values.choices).flat();
  const chosen = choicesOf(condition.tagName);
  const choiceMatches =
    condition.choiceValues.length === 0 ? chosen.length > 0 : condition.choiceValues.some((value) => chosen.includes(value));
  const regions = [...values.regions, ...values.imageRegions, ...values.audioRegions, ...values.timeSeriesRegions, ...values.videoRegions];
  const region = regions.find((r) => r.id === selectedRegionId);
  // For regions, whenTagName names the object tag the region is on.
  const regionMatches =
    region !== undefined &&
    (condition.tagName === undefined || region.toName === condition.tagName) &&
    (condition.labelValues.length === 0 || condition.labelValues.some((label) => region.labels.includes(label)));

  switch (condition.when) {
    case "choice-selected":
      return choiceMatches;
    case "choice-unselected":
      return !choiceMatches;
    case "region-selected":
      return regionMatches;
    case "no-region-selected":
      return region === undefined;
  }
}

// Names of the controls inside parts of the config that are hidden now.
export function hiddenControls(config: EditorConfig, values: EditorValues, selectedRegionId: string | null): Set<string> {
  const hidden = new Set<string>();
  const visit = (node: ConfigNode, shown: boolean) => {
    switch (node.kind) {
      case "view":
        node.children.forEach((child) => visit(child, shown));
        return;
      case "conditional":
        visit(node.child, shown && isVisible(node.condition, values, selectedRegionId));
        return;
      case "choices":
      case "labels":
      case "textarea":
      case "rating":
      case "number":
      case "datetime":
      case "taxonomy":
      case "pairwise":
      case "ranker":
        if (!shown) hidden.add(node.name);
        return;
      default:
        return;
    }
  };
  visit(config.root, true);
  return hidden;
}
