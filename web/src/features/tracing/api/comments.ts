// Comments on traces and observations under /api/public/comments.
import { z } from "zod";
import { apiJson } from "../../../api/client";

export type CommentObjectType = "TRACE" | "OBSERVATION" | "SESSION" | "PROMPT";

// The server's limit on a comment's content, in characters.
export const MAX_COMMENT_LENGTH = 5000;

export const commentSchema = z
  .object({
    id: z.string(),
    objectType: z.string(),
    objectId: z.string(),
    content: z.string(),
    authorUserId: z.string().nullable().optional(),
    createdAt: z.string(),
  })
  .passthrough();
export type Comment = z.infer<typeof commentSchema>;

const commentPageSchema = z.object({
  data: z.array(commentSchema),
  meta: z.object({ totalItems: z.number(), totalPages: z.number() }).passthrough(),
});

// The comments on one object, newest first, reading all pages.
export async function fetchComments(
  projectId: number,
  objectType: CommentObjectType,
  objectId: string,
  signal?: AbortSignal,
): Promise<Comment[]> {
  const comments: Comment[] = [];
  const object = `objectType=${objectType}&objectId=${encodeURIComponent(objectId)}`;
  for (let page = 1; ; page++) {
    const result = await apiJson(`/api/public/comments?${object}&page=${page}&limit=100`, commentPageSchema, {
      project: projectId,
      signal,
    });
    comments.push(...result.data);
    if (page >= result.meta.totalPages) return comments;
  }
}

// The server records the signed-in user as the author.
export function createComment(
  projectId: number,
  objectType: CommentObjectType,
  objectId: string,
  content: string,
): Promise<{ id: string }> {
  return apiJson("/api/public/comments", z.object({ id: z.string() }).passthrough(), {
    method: "POST",
    project: projectId,
    json: { projectId: String(projectId), objectType, objectId, content },
  });
}
