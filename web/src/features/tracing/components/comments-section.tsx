// The comments on the selected trace or observation, newest first, with a
// box to add one. Content is Markdown and renders through MarkdownView, so
// nothing a commenter writes reaches innerHTML.
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { describeError } from "../../../api/client";
import { ErrorState } from "../../../ui/states";
import { useOrganizationMembers } from "../../organizations/hooks/use-organization-members";
import { createComment, fetchComments, MAX_COMMENT_LENGTH, type CommentObjectType } from "../api/comments";
import { commentAuthor } from "../lib/comment-author";
import { MarkdownView } from "./io-view";

export function commentsKey(projectId: number, objectType: CommentObjectType, objectId: string) {
  return ["comments", projectId, objectType, objectId] as const;
}

export function CommentsSection({
  projectId,
  objectType,
  objectId,
}: {
  projectId: number;
  objectType: CommentObjectType;
  objectId: string;
}) {
  const queryClient = useQueryClient();
  const key = commentsKey(projectId, objectType, objectId);
  const comments = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => fetchComments(projectId, objectType, objectId, signal),
  });
  const members = useOrganizationMembers();
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (content: string) => createComment(projectId, objectType, objectId, content),
    onSuccess: () => {
      setDraft("");
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });

  function submit() {
    const content = draft.trim();
    if (!content) return setError("Comment: the text is empty; write the comment first.");
    // The server counts code points, as spreading a string into an array does.
    const length = [...content].length;
    if (length > MAX_COMMENT_LENGTH) {
      return setError(`Comment: ${length} characters is too long; the limit is ${MAX_COMMENT_LENGTH}.`);
    }
    setError(null);
    save.mutate(content);
  }

  return (
    <section aria-label="Comments" className="trace-comments">
      <h3>Comments</h3>
      {comments.isPending && <p className="muted">Loading comments…</p>}
      {comments.error && (
        <ErrorState message={describeError(comments.error, "load the comments")} onRetry={() => comments.refetch()} />
      )}
      {comments.data?.length === 0 && <p className="muted">No comments yet.</p>}
      {comments.data && comments.data.length > 0 && (
        <ol className="comment-list">
          {comments.data.map((comment) => {
            const author = commentAuthor(comment.authorUserId, members.data?.results);
            return (
              <li key={comment.id} data-comment-id={comment.id}>
                <div className="comment-meta muted">
                  <span className="comment-author" title={author.email}>
                    {author.label}
                  </span>{" "}
                  · <time dateTime={comment.createdAt}>{new Date(comment.createdAt).toLocaleString()}</time>
                </div>
                <MarkdownView source={comment.content} />
              </li>
            );
          })}
        </ol>
      )}
      <form
        className="comment-form"
        aria-label="Add a comment"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <label>
          New comment (Markdown)
          <textarea rows={3} value={draft} onChange={(event) => setDraft(event.target.value)} />
        </label>
        {(error || save.error) && (
          <p className="form-error" role="alert">
            {error ?? describeError(save.error, "save the comment")}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Add comment"}
          </button>
        </div>
      </form>
    </section>
  );
}
