// The labeling editor for one task: renders the config's tree over the
// task's data and edits the annotation through an EditorModel. It makes no
// requests: the controller (labeling-page.tsx) loads, submits and moves
// between tasks.
import { useEffect, useMemo, useRef, type ReactNode } from "react";
import type { ConfigNode, ControlNode, EditorConfig, LabelOption } from "../lib/config";
import { isToggleInput, isTypingTarget, matchesHotkey, standardKeys } from "../lib/hotkeys";
import { currentRanking, listItems, moveToBucket, moveWithin, storedRanking, unassigned } from "../lib/ranking";
import { viewDeltaToNatural, type Point } from "../lib/geometry";
import { nudgeRegion, pastedRegion, type ImageRegion } from "../lib/image-regions";
import { chatNodes, withTaskMessages } from "../lib/chat";
import { emptyValues, newRegionId, type TextRegion } from "../lib/results";
import { isPerRegionControl } from "../lib/selectable-regions";
import { isVisible } from "../lib/visibility";
import { useEditorModel, type EditorModel } from "../hooks/use-editor-model";
import { ChoicesControl, DateTimeControl, HotkeyHint, NumberControl, RatingControl, TaxonomyControl, TextAreaControl } from "./answer-controls";
import { AudioObject } from "./audio-object";
import { ChatObject, ChatReplyContext, type ChatReplyRequester } from "./chat-object";
import { HyperTextObject } from "./hypertext-object";
import { HyperTextUrl } from "./hypertext-url";
import { ImageObject } from "./image-object";
import { paragraphsOf, ParagraphsObject } from "./paragraphs-object";
import { PdfObject } from "./pdf-object";
import { PerRegionControl, toggleRegionChoice } from "./per-region-controls";
import { RepeaterPages } from "./repeater-pages";
import { TableObject } from "./table-object";
import { TextObject } from "./text-object";
import { TextRelations } from "./text-relations";
import { formatTime, TimeSeriesObject } from "./time-series-object";
import { VideoObject } from "./video-object";

type LabelsControl = Extract<ControlNode, { kind: "labels" }>;

function textValue(data: Record<string, unknown>, key: string | null, literal: string): string {
  if (!key) return literal;
  const value = data[key];
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  return JSON.stringify(value);
}

// The image URLs of an Image: its value, or the list its valueList names.
function imageSources(data: Record<string, unknown>, node: Extract<ConfigNode, { kind: "image" }>): string[] {
  const value = node.valueKey ? data[node.valueKey] : node.literal;
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return [textValue(data, node.valueKey, node.literal)];
}

// A Video's frame rate: the config's number, or the task's field it names.
// A field without a positive number falls back to 24, Label Studio's default.
function videoFrameRate(data: Record<string, unknown>, node: Extract<ConfigNode, { kind: "video" }>): number {
  if (typeof node.frameRate === "number") return node.frameRate;
  const rate = Number(data[node.frameRate.dataKey]);
  return Number.isFinite(rate) && rate > 0 ? rate : 24;
}

// True when the control's toName, a comma list, names the object.
function targetsObject(control: { toName: string }, objectName: string): boolean {
  return control.toName.split(",").map((name) => name.trim()).includes(objectName);
}

// Label options by stored value, for the colour of a region.
function labelColors(controls: LabelsControl[]): Map<string, LabelOption> {
  const colors = new Map<string, LabelOption>();
  for (const control of controls) for (const label of control.labels) colors.set(label.alias ?? label.value, label);
  return colors;
}

function Node({ node, config, data, model, readOnly }: { node: ConfigNode; config: EditorConfig; data: Record<string, unknown>; model: EditorModel; readOnly: boolean }): ReactNode {
  const values = model.state.values;
  const labelsControls = config.controls.filter((c): c is LabelsControl => c.kind === "labels");
  if (isPerRegionControl(node)) return <PerRegionControl node={node} model={model} readOnly={readOnly} />;
  switch (node.kind) {
    case "view":
      if (node.paginated) {
        return (
          <RepeaterPages
            pages={node.children.length}
            renderPage={(index) => <Node node={node.children[index]} config={config} data={data} model={model} readOnly={readOnly} />}
          />
        );
      }
      return (
        <div className={node.inline ? "view view-inline" : "view"}>
          {node.children.map((child, index) => (
            <Node key={index} node={child} config={config} data={data} model={model} readOnly={readOnly} />
          ))}
        </div>
      );
    case "header":
      return <h3 className="config-header">{node.text}</h3>;
    case "text": {
      const colors = labelColors(labelsControls);
      return (
        <TextObject
          name={node.name}
          text={textValue(data, node.valueKey, node.literal)}
          regions={values.regions.filter((region) => region.toName === node.name)}
          colors={colors}
          selectedRegionId={model.selectedRegionId}
          onSpanSelected={(span) => !readOnly && model.selectSpan(span, labelsControls)}
          onRegionClick={(id) => model.selectRegion(id)}
        />
      );
    }
    case "image": {
      const colors = labelColors(labelsControls);
      const targetsImage = (control: LabelsControl) => control.shape !== null && targetsObject(control, node.name);
      return (
        <ImageObject
          name={node.name}
          sources={imageSources(data, node)}
          valueList={node.valueList}
          controls={labelsControls.filter(targetsImage)}
          labelControls={labelsControls.filter((control) => control.shape === null && targetsObject(control, node.name))}
          colors={colors}
          model={model}
          readOnly={readOnly}
        />
      );
    }
    case "hypertext": {
      const page = (html: string) => (
        <HyperTextObject
          name={node.name}
          html={html}
          regions={values.regions.filter((region) => region.toName === node.name)}
          colors={labelColors(labelsControls)}
          selectedRegionId={model.selectedRegionId}
          onSpanSelected={(span) => !readOnly && model.selectSpan(span, labelsControls)}
          onRegionClick={(id) => model.selectRegion(id)}
        />
      );
      const value = textValue(data, node.valueKey, node.literal);
      if (node.valueType === "url") {
        return (
          <HyperTextUrl name={node.name} url={value}>
            {page}
          </HyperTextUrl>
        );
      }
      return page(value);
    }
    case "chat":
      return <ChatObject node={node} data={data} model={model} readOnly={readOnly} />;
    case "table":
      return <TableObject name={node.name} value={node.valueKey ? data[node.valueKey] : undefined} />;
    case "pdf":
      return <PdfObject name={node.name} url={textValue(data, node.valueKey, node.literal)} />;
    case "audio": {
      const targetsAudio = (control: LabelsControl) => control.shape === null && targetsObject(control, node.name);
      return (
        <AudioObject
          name={node.name}
          src={textValue(data, node.valueKey, node.literal)}
          controls={labelsControls.filter(targetsAudio)}
          colors={labelColors(labelsControls)}
          model={model}
          readOnly={readOnly}
        />
      );
    }
    case "video":
      return (
        <VideoObject
          name={node.name}
          src={textValue(data, node.valueKey, node.literal)}
          frameRate={videoFrameRate(data, node)}
          rectangles={config.controls.filter(
            (c): c is Extract<ControlNode, { kind: "videorectangle" }> => c.kind === "videorectangle" && targetsObject(c, node.name),
          )}
          labelControls={labelsControls.filter((control) => control.shape === null && targetsObject(control, node.name))}
          colors={labelColors(labelsControls)}
          model={model}
          readOnly={readOnly}
        />
      );
    case "timeseries":
      return (
        <TimeSeriesObject
          node={node}
          value={node.valueKey ? data[node.valueKey] : node.literal}
          controls={labelsControls.filter((control) => control.resultType === "timeserieslabels" && targetsObject(control, node.name))}
          colors={labelColors(labelsControls)}
          model={model}
          readOnly={readOnly}
        />
      );
    case "videorectangle":
      // Drawn on the video; its labels come from a Labels control.
      return null;
    case "choices":
      return (
        <ChoicesControl
          node={node}
          scope="task"
          readOnly={readOnly}
          chosen={values.choices[node.name] ?? []}
          onToggle={(option) => model.dispatch({ type: "choice-toggled", control: node, option })}
        />
      );
    case "labels":
      if (node.labels.length === 0) return null; // a bare shape tool: the image toolbar offers it
      return (
        <div className="control labels" role="toolbar" aria-label={`Labels ${node.name}`}>
          {node.labels.map((label) => {
            const active = model.activeLabel?.control === node.name && model.activeLabel.value === label.value;
            return (
              <button
                key={label.value}
                type="button"
                className="label-button"
                aria-pressed={active}
                disabled={readOnly}
                style={{ borderColor: label.background, background: active ? `${label.background}44` : undefined }}
                onMouseDown={(event) => event.preventDefault() /* keep the text selection */}
                onClick={() => model.applyLabel(node, label)}
              >
                <span className="swatch" style={{ background: label.background }} />
                {label.value} <HotkeyHint hotkey={label.hotkey} />
              </button>
            );
          })}
        </div>
      );
    case "textarea":
      return (
        <TextAreaControl
          node={node}
          scope="task"
          readOnly={readOnly}
          texts={values.textareas[node.name] ?? []}
          onChange={(texts) => model.dispatch({ type: "textarea-changed", control: node.name, texts })}
        />
      );
    case "rating":
      return (
        <RatingControl
          node={node}
          scope="task"
          readOnly={readOnly}
          rating={values.ratings[node.name] ?? 0}
          onRate={(rating) => model.dispatch({ type: "rating-set", control: node.name, rating })}
        />
      );
    case "number":
      return (
        <NumberControl
          node={node}
          scope="task"
          readOnly={readOnly}
          number={values.numbers[node.name]}
          onChange={(number) => model.dispatch({ type: "number-set", control: node.name, number })}
        />
      );
    case "datetime":
      return (
        <DateTimeControl
          node={node}
          scope="task"
          readOnly={readOnly}
          datetime={values.datetimes[node.name] ?? ""}
          onChange={(datetime) => model.dispatch({ type: "datetime-set", control: node.name, datetime })}
        />
      );
    case "taxonomy":
      return (
        <TaxonomyControl
          node={node}
          scope="task"
          readOnly={readOnly}
          paths={values.taxonomies[node.name] ?? []}
          onToggle={(path) => model.dispatch({ type: "taxonomy-toggled", control: node.name, path })}
        />
      );
    case "pairwise": {
      const selected = values.pairwise[node.name];
      const [left, right] = node.toName.split(",").map((name) => name.trim());
      return (
        <fieldset className="control pairwise" disabled={readOnly}>
          <legend>
            {node.name}: which is better?
            {node.required && <span className="required"> (required)</span>}
          </legend>
          {(["left", "right"] as const).map((side) => (
            <button
              key={side}
              type="button"
              aria-pressed={selected === side}
              className={selected === side ? "primary" : undefined}
              onClick={() => model.dispatch({ type: "pairwise-set", control: node.name, selected: side })}
            >
              {side === "left" ? `◀ ${left ?? "Left"}` : `${right ?? "Right"} ▶`}
            </button>
          ))}
        </fieldset>
      );
    }
    case "list":
      // The Ranker that targets the List shows its items.
      return null;
    case "relations":
      // Relations are listed under the regions.
      return null;
    case "paragraphs":
      return (
        <ParagraphsObject
          name={node.name}
          paragraphs={paragraphsOf(node.valueKey ? data[node.valueKey] : undefined, node.nameKey, node.textKey)}
          dialogue={node.dialogue}
          regions={values.regions.filter((region) => region.toName === node.name)}
          colors={labelColors(labelsControls)}
          selectedRegionId={model.selectedRegionId}
          onSpanSelected={(span) => !readOnly && model.selectSpan(span, labelsControls)}
          onRegionClick={(id) => model.selectRegion(id)}
        />
      );
    case "ranker": {
      const key = config.lists[node.toName] ?? null;
      const items = listItems(key ? data[key] : undefined);
      const byId = new Map(items.map((item) => [item.id, item]));
      const ranking = currentRanking(node.name, node.buckets, items, values.rankers[node.name]);
      const set = (next: Record<string, string[]>) =>
        model.dispatch({ type: "ranking-set", control: node.name, ranking: storedRanking(next) });
      const columns = Object.keys(ranking);
      const titleOf = (column: string) =>
        column === unassigned ? "Not ranked" : (node.buckets.find((b) => b.name === column)?.title ?? "Ranking");
      return (
        <fieldset className="control ranker" disabled={readOnly}>
          <legend>
            {node.name}
            {node.required && <span className="required"> (required)</span>}
          </legend>
          <div className="ranker-columns">
            {columns.map((column) => (
              <section key={column} className="ranker-column" aria-label={titleOf(column)}>
                <h4>{titleOf(column)}</h4>
                <ol>
                  {ranking[column].map((id, index) => {
                    const item = byId.get(id);
                    return (
                      <li key={id} className="ranker-item">
                        <div>
                          <strong>{item?.title || id}</strong>
                          {item?.body && <p>{item.body}</p>}
                        </div>
                        <div className="ranker-moves">
                          <button type="button" aria-label={`Move ${item?.title || id} up`} disabled={index === 0} onClick={() => set(moveWithin(ranking, id, -1))}>
                            ↑
                          </button>
                          <button
                            type="button"
                            aria-label={`Move ${item?.title || id} down`}
                            disabled={index === ranking[column].length - 1}
                            onClick={() => set(moveWithin(ranking, id, 1))}
                          >
                            ↓
                          </button>
                          {columns.length > 1 && (
                            <select
                              aria-label={`Bucket of ${item?.title || id}`}
                              value={column}
                              onChange={(e) => set(moveToBucket(ranking, id, e.target.value))}
                            >
                              {columns.map((other) => (
                                <option key={other} value={other}>
                                  {titleOf(other)}
                                </option>
                              ))}
                            </select>
                          )}
                        </div>
                      </li>
                    );
                  })}
                </ol>
              </section>
            ))}
          </div>
        </fieldset>
      );
    }
    case "conditional":
      if (!isVisible(node.condition, values, model.selectedRegionId)) return null;
      return <Node node={node.child} config={config} data={data} model={model} readOnly={readOnly} />;
    case "unsupported":
      return (
        <p className="notice">
          The &lt;{node.tag}&gt; tag is not shown in this editor yet; its results are kept unchanged.
        </p>
      );
  }
}

function RegionList({ config, model, readOnly }: { config: EditorConfig; model: EditorModel; readOnly: boolean }) {
  const { regions, imageRegions, audioRegions, timeSeriesRegions, videoRegions, timelineRegions } = model.state.values;
  const count = regions.length + imageRegions.length + audioRegions.length + timeSeriesRegions.length + videoRegions.length + timelineRegions.length;
  if (count === 0 && model.state.values.relations.length === 0) return null;
  const colors = labelColors(config.controls.filter((c): c is LabelsControl => c.kind === "labels"));
  const deleteButton = (id: string, name: string) =>
    !readOnly && (
      <button
        type="button"
        className="icon-button"
        aria-label={`Delete region ${name}`}
        onClick={() => model.dispatch({ type: "region-removed", id })}
      >
        ×
      </button>
    );
  const relateButton = (id: string, name: string) =>
    !readOnly && (
      <button
        type="button"
        className="icon-button"
        aria-pressed={model.relationFrom === id}
        aria-label={`Relate region ${name}`}
        onClick={() => model.startRelation(model.relationFrom === id ? null : id)}
      >
        relate
      </button>
    );

  // A row of a region on a media object: a button, in its first label's
  // colour, that selects the region, then `actions` and the relate and
  // delete buttons.
  type MediaRegion = { id: string; labels: string[] };
  const mediaRow = (region: MediaRegion, name: string, detail: string | null, actions: ReactNode = null, deletable = true) => (
    <li key={region.id} className={region.id === model.selectedRegionId ? "selected" : undefined} data-region-id={region.id}>
      <button type="button" className="link-button" onClick={() => model.selectRegion(region.id)}>
        <span className="swatch" style={{ background: colors.get(region.labels[0] ?? "")?.background ?? "#2f6fd6" }} />
        {name}
        {detail !== null && (
          <>
            {" "}
            <span className="muted">{detail}</span>
          </>
        )}
      </button>
      <span className="region-actions">
        {actions}
        {relateButton(region.id, name)}
        {deletable && deleteButton(region.id, name)}
      </span>
    </li>
  );

  const hideButton = (id: string, name: string) => {
    const hidden = model.hiddenIds.has(id);
    return (
      <button type="button" className="icon-button" aria-pressed={hidden} aria-label={`Hide region ${name}`} onClick={() => model.toggleHidden(id)}>
        {hidden ? "show" : "hide"}
      </button>
    );
  };
  return (
    <section className="region-list" aria-label="Regions">
      <h3>Regions</h3>
      {model.relationFrom && <p className="notice">Select the region the relation points to, or press Escape.</p>}
      <ul>
        {[...regions]
          .sort((a, b) => a.start - b.start)
          .map((region) => (
            <li key={region.id} className={region.id === model.selectedRegionId ? "selected" : undefined}>
              <button type="button" className="link-button" onClick={() => model.selectRegion(region.id)}>
                {region.labels.join(", ") || "(no label)"}: “{region.text}” {spanPlace(region)}
              </button>
              <span className="region-actions">
                {relateButton(region.id, region.text)}
                {deleteButton(region.id, region.text)}
              </span>
            </li>
          ))}
        {[...audioRegions]
          .sort((a, b) => a.start - b.start)
          .map((region) => mediaRow(region, `${region.labels.join(", ") || "(no label)"} ${region.start.toFixed(2)}–${region.end.toFixed(2)} s`, null))}
        {timeSeriesRegions.map((region) => {
          const series = findTimeSeries(config.root, region.toName);
          const dated = series?.options.timeFormat != null;
          const bounds = region.instant ? formatTime(region.start, dated) : `${formatTime(region.start, dated)}–${formatTime(region.end, dated)}`;
          return mediaRow(region, `${region.labels.join(", ") || "(no label)"} ${bounds}`, region.instant ? "instant" : "range");
        })}
        {videoRegions.map((region, index) => {
          const first = region.sequence[0]?.frame ?? 1;
          const last = region.sequence[region.sequence.length - 1]?.frame ?? first;
          const name = `track ${index + 1} ${region.labels.join(", ") || "(no label)"} frames ${first}–${last}`;
          return mediaRow(region, name, `${region.sequence.length} keyframes`, hideButton(region.id, name));
        })}
        {timelineRegions.map((region) => {
          const frames = region.ranges.map((range) => (range.start === range.end ? `${range.start}` : `${range.start}–${range.end}`)).join(", ");
          return mediaRow(region, `${region.labels.join(", ") || "(no label)"} frames ${frames}`, "segment");
        })}
        {imageRegions.map((region, index) => {
          const name = `${index + 1} ${region.labels.join(", ") || "(no label)"}`;
          const locked = model.lockedIds.has(region.id);
          const actions = (
            <>
              {hideButton(region.id, name)}
              {!readOnly && (
                <button type="button" className="icon-button" aria-pressed={locked} aria-label={`Lock region ${name}`} onClick={() => model.toggleLocked(region.id)}>
                  {locked ? "unlock" : "lock"}
                </button>
              )}
            </>
          );
          return mediaRow(region, name, region.geometry.shape, actions, !locked);
        })}
      </ul>
      <RelationList config={config} model={model} readOnly={readOnly} />
    </section>
  );
}

// The TimeSeries object of the given name in the config tree.
function findTimeSeries(node: ConfigNode, name: string): Extract<ConfigNode, { kind: "timeseries" }> | undefined {
  if (node.kind === "timeseries") return node.name === name ? node : undefined;
  if (node.kind === "view") {
    for (const child of node.children) {
      const found = findTimeSeries(child, name);
      if (found) return found;
    }
  }
  if (node.kind === "conditional") return findTimeSeries(node.child, name);
  return undefined;
}

// Where a span lies, for the region list: code points of a Text or
// HyperText, utterance numbers (from 1) of a dialogue.
function spanPlace(region: TextRegion): string {
  const anchor = region.anchor;
  if (anchor?.kind === "paragraphs") {
    const first = anchor.startParagraph + 1;
    const last = anchor.endParagraph + 1;
    return first === last ? `[utterance ${first}]` : `[utterances ${first}–${last}]`;
  }
  const start = anchor?.kind === "hypertext" ? anchor.globalStart : region.start;
  const end = anchor?.kind === "hypertext" ? anchor.globalEnd : region.end;
  return start === undefined || end === undefined ? "" : `[${start}–${end}]`;
}

// A short name of a region for lists: its position in the image region
// list and its labels, or the text of a span.
function regionName(values: EditorModel["state"]["values"], id: string): string {
  const span = values.regions.find((region) => region.id === id);
  if (span) return `“${span.text}”`;
  const index = values.imageRegions.findIndex((region) => region.id === id);
  if (index < 0) return id;
  return `${index + 1} ${values.imageRegions[index].labels.join(", ") || "(no label)"}`;
}

const directionArrows = { right: "→", left: "←", bi: "↔" } as const;
const nextDirection = { right: "left", left: "bi", bi: "right" } as const;

function RelationList({ config, model, readOnly }: { config: EditorConfig; model: EditorModel; readOnly: boolean }) {
  const values = model.state.values;
  if (values.relations.length === 0) return null;
  const labels = config.relations?.labels ?? [];
  return (
    <section className="relation-list" aria-label="Relations">
      <h3>Relations</h3>
      <ul>
        {values.relations.map((relation) => {
          const name = `${regionName(values, relation.fromId)} ${directionArrows[relation.direction]} ${regionName(values, relation.toId)}`;
          const set = (changes: Partial<typeof relation>) => model.dispatch({ type: "relation-changed", relation: { ...relation, ...changes } });
          return (
            <li key={relation.id} data-relation-id={relation.id}>
              <span>{name}</span>
              <span className="region-actions">
                <button
                  type="button"
                  className="icon-button"
                  disabled={readOnly}
                  aria-label={`Change direction of ${name}`}
                  onClick={() => set({ direction: nextDirection[relation.direction] })}
                >
                  {directionArrows[relation.direction]}
                </button>
                {labels.map((label) => {
                  const value = label.alias ?? label.value;
                  const chosen = relation.labels.includes(value);
                  return (
                    <button
                      key={value}
                      type="button"
                      className="label-button"
                      disabled={readOnly}
                      aria-pressed={chosen}
                      style={{ borderColor: label.background }}
                      onClick={() => {
                        const others = config.relations?.multiple ? relation.labels.filter((l) => l !== value) : [];
                        set({ labels: chosen ? relation.labels.filter((l) => l !== value) : [...others, value] });
                      }}
                    >
                      {label.value}
                    </button>
                  );
                })}
                {!readOnly && (
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={`Delete relation ${name}`}
                    onClick={() => model.dispatch({ type: "relation-removed", id: relation.id })}
                  >
                    ×
                  </button>
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

const arrowSteps: Record<string, Point> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

// The image region Ctrl+C copied. It outlives the task, so a region can be
// pasted onto the next image too.
let copiedRegion: ImageRegion | null = null;

function selectedImageRegion(model: EditorModel) {
  return model.state.values.imageRegions.find((region) => region.id === model.selectedRegionId);
}

// Config hotkeys, undo/redo, region deletion, nudging and copy/paste while the editor is shown.
function useEditorHotkeys(config: EditorConfig, model: EditorModel, enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      // Escape also deselects while a control's radio button or checkbox has
      // the focus. Other keys there keep their native meaning.
      const escapeFromToggle = event.key === "Escape" && isToggleInput(event.target);
      if (isTypingTarget(event.target) && !escapeFromToggle) return;
      if (matchesHotkey(event, standardKeys.redo)) {
        model.dispatch({ type: "redo" });
      } else if (matchesHotkey(event, standardKeys.undo)) {
        model.dispatch({ type: "undo" });
      } else if (matchesHotkey(event, standardKeys.copyRegion) && selectedImageRegion(model) && !window.getSelection()?.toString()) {
        copiedRegion = selectedImageRegion(model)!;
      } else if (matchesHotkey(event, standardKeys.pasteRegion) && copiedRegion && config.controls.some((c) => c.name === copiedRegion?.fromName)) {
        const pasted = pastedRegion(copiedRegion, newRegionId());
        model.dispatch({ type: "image-region-added", region: pasted });
        model.selectRegion(pasted.id);
        copiedRegion = pasted; // pasting again steps further, not onto this copy
      } else if ((event.key === "Delete" || event.key === "Backspace") && model.selectedRegionId) {
        if (model.lockedIds.has(model.selectedRegionId)) return;
        model.dispatch({ type: "region-removed", id: model.selectedRegionId });
        model.selectRegion(null);
      } else if (arrowSteps[event.key] && selectedImageRegion(model)) {
        // Arrows nudge the selected image region by one natural pixel, ten with Shift.
        const region = selectedImageRegion(model)!;
        if (model.lockedIds.has(region.id)) return;
        // The arrow's direction on screen, turned back into the natural frame.
        const [dx, dy] = viewDeltaToNatural(arrowSteps[event.key], model.imageRotations[region.toName] ?? 0);
        const step = event.shiftKey ? 10 : 1;
        model.dispatch({ type: "image-region-changed", region: nudgeRegion(region, dx * step, dy * step) });
      } else if (event.key === "Escape") {
        model.clearSelection();
        return;
      } else {
        for (const control of config.controls) {
          if (control.kind === "choices") {
            const option = control.options.find((o) => matchesHotkey(event, o.hotkey));
            if (option && isPerRegionControl(control)) {
              // A per-region choice's hotkey sets the selected region's answer when the control describes that region.
              if (!toggleRegionChoice(model, control, option)) continue;
              event.preventDefault();
              return;
            }
            if (option) {
              model.dispatch({ type: "choice-toggled", control, option });
              event.preventDefault();
              return;
            }
          } else if (control.kind === "labels") {
            const label = control.labels.find((l) => matchesHotkey(event, l.hotkey));
            if (label) {
              model.applyLabel(control, label);
              event.preventDefault();
              return;
            }
          }
        }
        return;
      }
      event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [config, model, enabled]);
}

export function LabelingEditor({
  config,
  data,
  model,
  readOnly = false,
  hotkeys = false,
  requestChatReply,
}: {
  config: EditorConfig;
  data: Record<string, unknown>;
  model?: EditorModel;
  readOnly?: boolean;
  hotkeys?: boolean;
  // Requests LLM replies for a Chat with `llm`; without it a Chat gets none.
  requestChatReply?: ChatReplyRequester;
}) {
  const own = useEditorModel();
  const active = model ?? own;
  // A caller's model is loaded by the caller. The editor's own model (a
  // preview) starts with the task's chat messages, so they can be selected.
  // Without a Chat it keeps its values when the config changes.
  const loadOwn = own.dispatch;
  useEffect(() => {
    if (!model && chatNodes(config.root).length > 0) loadOwn({ type: "loaded", values: withTaskMessages(config, data, emptyValues) });
  }, [model, config, data, loadOwn]);
  useEditorHotkeys(config, active, hotkeys && !readOnly);
  const missingKeys = useMemo(() => config.dataKeys.filter((key) => !(key in data)), [config, data]);
  const root = useRef<HTMLDivElement>(null);
  return (
    <div className="labeling-editor" ref={root}>
      {missingKeys.length > 0 && (
        <p className="notice">
          This task has no {missingKeys.map((key) => `“${key}”`).join(", ")} field that the label config reads.
        </p>
      )}
      <ChatReplyContext.Provider value={requestChatReply}>
        <Node node={config.root} config={config} data={data} model={active} readOnly={readOnly} />
      </ChatReplyContext.Provider>
      <RegionList config={config} model={active} readOnly={readOnly} />
      <TextRelations root={root} relations={active.state.values.relations} />
    </div>
  );
}
