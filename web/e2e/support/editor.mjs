// Steps the browser suites of the labeling editor share: waiting for a
// canvas redraw, dragging the mouse, submitting and reading back the
// stored result, and comparing stored percent coordinates.
import assert from "node:assert/strict";

// Waits until Konva has drawn the last change, hit regions included, which
// happens on an animation frame after React renders it.
export async function settle(page) {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

// Presses the left button at `from`, moves to `to` in `steps` moves and releases.
export async function drag(page, from, to, steps = 6) {
  await page.mouse.move(...from);
  await page.mouse.down();
  await page.mouse.move(...to, { steps });
  await page.mouse.up();
}

// Asserts that a stored percent matches the expected value to `digits`
// decimals, 4 by default: the precision the browser suites demand.
export function assertPercent(actual, expected, what, digits = 4) {
  const tolerance = 0.5 * 10 ** -digits;
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: stored ${actual}, expected ${expected.toFixed(digits + 2)} (to ${digits} decimals)`,
  );
}

// Submits with Ctrl+Enter and returns the stored result, polling the API
// for up to 10 s.
export async function submitAndRead(page, tally, taskId) {
  await page.keyboard.press("Control+Enter");
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const [annotation] = await tally.api(`/api/tasks/${taskId}/annotations`);
    if (annotation) return annotation.result;
    await new Promise((done) => setTimeout(done, 100));
  }
  const alert = await page.getByRole("alert").allTextContents();
  throw new Error(`no annotation stored for task ${taskId} within 10 s; the page shows: ${alert.join(" ")}`);
}
