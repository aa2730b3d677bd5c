// LLM replies for a Chat object with an `llm` attribute. The server picks
// the model from the project's label config and calls the project's LLM
// connection named like its provider. Naming the task lets the task's own
// messages keep roles the Chat's messageroles leave out, such as "system".
import { z } from "zod";
import { apiJson } from "../../../api/client";

const replySchema = z.object({
  chatmessage: z.object({ role: z.string(), content: z.string(), createdAt: z.number() }),
});

export async function requestChatReply(
  projectId: number,
  taskId: number,
  chat: string,
  messages: { role: string; content: string }[],
): Promise<{ content: string; createdAt: number }> {
  const reply = await apiJson(`/api/projects/${projectId}/chat-replies`, replySchema, { method: "POST", json: { chat, task: taskId, messages } });
  return reply.chatmessage;
}
