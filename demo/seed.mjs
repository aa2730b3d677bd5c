// Fills a fresh Tally with three demo projects built from real data that
// Debian and npm packages ship (docs/demo-data.md names them and their
// licences). `tally serve --demo` runs it once the server listens; it can
// also be run by hand against any Tally:
//
//   TALLY_URL=http://127.0.0.1:8080 TALLY_TOKEN=… \
//   LANGFUSE_PUBLIC_KEY=pk-lf-… LANGFUSE_SECRET_KEY=sk-lf-… node demo/seed.mjs
//
// It talks to Tally only through its public APIs, as a user's script would:
// the labeling projects through the Label Studio API with the user's token,
// the traces through the real `langfuse` SDK with the project's key pair.
// Nothing here calls a model; every output is fixed data from the packages.
//
// A project whose title already exists is left alone, so running it twice
// adds nothing.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { imageProject, textProject, traceData, DEMO_TITLES } from './data.mjs';

const require = createRequire(import.meta.url);
const demoDir = path.dirname(fileURLToPath(import.meta.url));

const baseUrl = (process.env.TALLY_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const token = process.env.TALLY_TOKEN;

function say(message) {
  process.stdout.write(`demo: ${message}\n`);
}

async function api(method, route, body, headers = {}) {
  const init = { method, headers: { Authorization: `Token ${token}`, ...headers } };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(`${baseUrl}${route}`, init);
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${route} returned ${response.status}: ${text.slice(0, 500)}`);
  }
  return text ? JSON.parse(text) : null;
}

async function existingTitles() {
  const titles = new Set();
  for (let page = 1; ; page++) {
    const answer = await api('GET', `/api/projects?page=${page}&page_size=100`);
    for (const project of answer.results) titles.add(project.title);
    if (!answer.next) return titles;
  }
}

// Creates the project and fills it. When filling fails, the project is
// deleted again, so the next run starts it over instead of skipping it.
async function withProject(fields, fill) {
  const project = await api('POST', '/api/projects', fields);
  try {
    await fill(project);
  } catch (error) {
    await api('DELETE', `/api/projects/${project.id}`).catch(() => {});
    throw error;
  }
}

// The image project: real photographs uploaded as files, then predictions
// from labelme's human COCO annotations for the PASCAL VOC photos, in two
// model versions (boxes, polygons) so they can be compared.
async function seedImages() {
  const plan = await imageProject(demoDir);
  if (plan.missing.length) {
    say(`image project skipped: missing ${plan.missing.join(', ')} (run scripts/install-deps.sh and npm ci in demo/)`);
    return;
  }
  await withProject(plan.project, async (project) => {
    const form = new FormData();
    for (const photo of plan.photos) {
      form.append('file', new Blob([await readFile(photo.file)], { type: 'image/jpeg' }), photo.uploadName);
    }
    const imported = await api('POST', `/api/projects/${project.id}/import?return_task_ids=true`, form);

    let predictions = 0;
    for (const [index, photo] of plan.photos.entries()) {
      for (const prediction of photo.predictions) {
        await api('POST', '/api/predictions', { task: imported.task_ids[index], ...prediction });
        predictions++;
      }
    }
    say(`project ${project.id} "${project.title}": ${imported.task_count} photos, ${predictions} predictions`);
  });
}

// The text project: review sentences with their human sentiment labels for
// part of them, an AFINN lexicon model's sentiment as predictions, and
// entity spans from a brand and product gazetteer.
async function seedTexts() {
  const plan = await textProject(demoDir, require);
  if (plan.missing.length) {
    say(`text project skipped: missing ${plan.missing.join(', ')} (run npm ci in demo/)`);
    return;
  }
  await withProject(plan.project, async (project) => {
    const imported = await api('POST', `/api/projects/${project.id}/import`, plan.tasks);
    say(`project ${project.id} "${project.title}": ${imported.task_count} sentences, ` +
        `${imported.annotation_count} annotations, ${imported.prediction_count} predictions`);
  });
}

// The tracing project: a question-answering assistant recorded with the
// `langfuse` SDK, with a managed prompt in two versions, generations linked
// to it, usage, and scores.
async function seedTraces() {
  const publicKey = process.env.LANGFUSE_PUBLIC_KEY;
  const secretKey = process.env.LANGFUSE_SECRET_KEY;
  if (!publicKey || !secretKey) {
    say('tracing project skipped: LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY are not set');
    return;
  }
  const plan = await traceData(demoDir);
  if (plan.missing.length) {
    say(`tracing project skipped: missing ${plan.missing.join(', ')} (run npm ci in demo/)`);
    return;
  }
  const auth = Buffer.from(`${publicKey}:${secretKey}`).toString('base64');
  const known = await fetch(`${baseUrl}/api/public/v2/prompts/${encodeURIComponent(plan.promptName)}`, {
    headers: { Authorization: `Basic ${auth}` },
  });
  if (known.ok) {
    say(`tracing project already has prompt "${plan.promptName}"; no traces added`);
    return;
  }
  const { Langfuse } = require('langfuse');
  const langfuse = new Langfuse({ publicKey, secretKey, baseUrl, flushAt: 50, requestTimeout: 30000 });

  for (const version of plan.promptVersions) await langfuse.createPrompt(version);
  const prompt = await langfuse.getPrompt(plan.promptName, undefined, { type: 'chat', cacheTtlSeconds: 0 });

  for (const call of plan.calls) {
    const trace = langfuse.trace(call.trace);
    trace.span(call.retrieval);
    trace.generation({ ...call.generation, prompt });
    for (const score of call.scores) langfuse.score({ traceId: call.trace.id, ...score });
  }
  await langfuse.shutdownAsync();

  // The key pair's project: describe it where people first look.
  const projects = await api('GET', '/api/projects?page_size=100');
  const tracing = projects.results.find((project) => project.title === DEMO_TITLES.traces);
  if (tracing) {
    await api('PATCH', `/api/projects/${tracing.id}`, {
      description: `${plan.calls.length} answers to JavaScript interview questions, recorded with the langfuse SDK: ` +
        'traces, generations with usage and cost, the prompt "javascript-tutor" and scores. Read them through ' +
        'the Langfuse API (/api/public/traces) with the keys printed at start.',
    });
  }
  say(`tracing project: ${plan.calls.length} traces with prompt "${plan.promptName}" ` +
      `(versions ${plan.promptVersions.length}), generations and scores`);
}

async function main() {
  if (!token) {
    console.error('demo: TALLY_TOKEN is not set; pass the API token of the user who will own the demo projects');
    process.exit(2);
  }
  const titles = await existingTitles();
  if (!titles.has(DEMO_TITLES.images)) await seedImages();
  if (!titles.has(DEMO_TITLES.texts)) await seedTexts();
  await seedTraces();
}

main().catch((error) => {
  console.error(`demo: seeding stopped: ${error.message}`);
  process.exit(1);
});
