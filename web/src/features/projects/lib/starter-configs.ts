// Starter label configs offered when creating a project. They are written
// here, not generated from Label Studio's template corpus, because a build
// must work from a plain clone of this repository, which lacks that corpus.
// Every starter uses only controls the editor renders today.
export interface StarterConfig {
  id: string;
  title: string;
  category: "Text" | "Forms" | "Blank";
  description: string;
  config: string;
  sample: Record<string, unknown>;
}

export const starterConfigs: StarterConfig[] = [
  {
    id: "sentiment",
    title: "Sentiment of a text",
    category: "Text",
    description: "One choice per text: positive, negative or neutral, each with a number key.",
    config: `<View>
  <Header value="How does the writer feel?"/>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" showInline="true">
    <Choice value="Positive" hotkey="1"/>
    <Choice value="Negative" hotkey="2"/>
    <Choice value="Neutral" hotkey="3"/>
  </Choices>
</View>`,
    sample: { text: "The delivery was late, but the support team fixed it within an hour." },
  },
  {
    id: "entities",
    title: "Named entities in text",
    category: "Text",
    description: "Mark people, organizations and places as spans of the text.",
    config: `<View>
  <Labels name="label" toName="text">
    <Label value="Person" background="#e8743b" hotkey="p"/>
    <Label value="Organization" background="#2f6fd6" hotkey="o"/>
    <Label value="Location" background="#19a979" hotkey="l"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>`,
    sample: { text: "Ada Lovelace worked with Charles Babbage in London." },
  },
  {
    id: "topics",
    title: "Topics of a text",
    category: "Text",
    description: "Any number of topics per text.",
    config: `<View>
  <Text name="text" value="$text"/>
  <Choices name="topics" toName="text" choice="multiple">
    <Choice value="Billing"/>
    <Choice value="Shipping"/>
    <Choice value="Product quality"/>
    <Choice value="Other"/>
  </Choices>
</View>`,
    sample: { text: "I was charged twice and the parcel still has not arrived." },
  },
  {
    id: "response-review",
    title: "Review a model's answer",
    category: "Forms",
    description: "Rate an answer to a question and suggest a better one.",
    config: `<View>
  <Header value="Question"/>
  <Text name="question" value="$question"/>
  <Header value="Answer"/>
  <Text name="answer" value="$answer"/>
  <Rating name="quality" toName="answer" maxRating="5"/>
  <TextArea name="better_answer" toName="answer" placeholder="A better answer, if you have one" rows="3"/>
</View>`,
    sample: { question: "What is the boiling point of water at sea level?", answer: "100 degrees Celsius." },
  },
  {
    id: "pairwise",
    title: "Compare two answers",
    category: "Forms",
    description: "Pick the better of two model answers and tag the question's topic.",
    config: `<View>
  <Header value="Question"/>
  <Text name="question" value="$question"/>
  <View style="display: flex; gap: 1em">
    <Text name="answer_a" value="$answer_a"/>
    <Text name="answer_b" value="$answer_b"/>
  </View>
  <Pairwise name="preference" toName="answer_a,answer_b"/>
  <Taxonomy name="topic" toName="question">
    <Choice value="Science"><Choice value="Physics"/><Choice value="Biology"/></Choice>
    <Choice value="Everyday life"/>
  </Taxonomy>
</View>`,
    sample: { question: "Why is the sky blue?", answer_a: "Rayleigh scattering.", answer_b: "It reflects the sea." },
  },
  {
    id: "blank",
    title: "Blank",
    category: "Blank",
    description: "Start from an empty view and write the config yourself.",
    config: `<View>
  <Text name="text" value="$text"/>
</View>`,
    sample: { text: "" },
  },
];
