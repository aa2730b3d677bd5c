import { describe, expect, it } from "vitest";
import { parseLabelConfig, type EditorConfig } from "./config";
import { buildResult, emptyValues, missingRequired, type EditorValues } from "./results";
import { hiddenControls } from "./visibility";

function config(xml: string): EditorConfig {
  const parsed = parseLabelConfig(xml);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.config;
}

const form = config(`<View>
  <Text name="text" value="$text"/>
  <Labels name="entity" toName="text"><Label value="Person"/><Label value="Place"/></Labels>
  <Choices name="relevant" toName="text"><Choice value="Yes"/><Choice value="No"/></Choices>
  <View visibleWhen="choice-selected" whenTagName="relevant" whenChoiceValue="Yes">
    <TextArea name="why" toName="text" required="true"/>
  </View>
  <Rating name="unsure" toName="text" visibleWhen="choice-unselected" whenTagName="relevant"/>
  <Choices name="gender" toName="text" visibleWhen="region-selected" whenLabelValue="Person">
    <Choice value="Female"/><Choice value="Male"/>
  </Choices>
  <Number name="count" toName="text" visibleWhen="no-region-selected"/>
</View>`);

const values = (change: Partial<EditorValues>): EditorValues => ({ ...emptyValues, ...change });
const person = { id: "r1", fromName: "entity", toName: "text", start: 0, end: 3, text: "Ada", labels: ["Person"] };

describe("hiddenControls", () => {
  it("follows choice-selected and choice-unselected", () => {
    expect([...hiddenControls(form, values({}), null)].sort()).toEqual(["gender", "why"]);
    expect([...hiddenControls(form, values({ choices: { relevant: ["Yes"] } }), null)].sort()).toEqual(["gender", "unsure"]);
    expect([...hiddenControls(form, values({ choices: { relevant: ["No"] } }), null)].sort()).toEqual(["gender", "unsure", "why"]);
  });

  it("follows region-selected with a label value, and no-region-selected", () => {
    const withRegion = values({ regions: [person] });
    expect(hiddenControls(form, withRegion, "r1").has("gender")).toBe(false);
    expect(hiddenControls(form, withRegion, "r1").has("count")).toBe(true);
    const place = values({ regions: [{ ...person, labels: ["Place"] }] });
    expect(hiddenControls(form, place, "r1").has("gender")).toBe(true);
  });

  it("leaves hidden controls out of the result and the required check", () => {
    const current = values({ choices: { relevant: ["No"] }, textareas: { why: ["stale text"] } });
    const hidden = hiddenControls(form, current, null);
    expect(buildResult(form, current, {}, hidden).map((item) => item.from_name)).toEqual(["relevant"]);
    expect(missingRequired(form, current, hidden)).toEqual([]);
    const shown = values({ choices: { relevant: ["Yes"] } });
    expect(missingRequired(form, shown, hiddenControls(form, shown, null))).toEqual(["why"]);
  });
});
