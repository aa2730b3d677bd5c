// The name a comment's author is shown under. Comments carry only
// Langfuse's authorUserId (a user id as a string, or null for comments
// written with a project key pair), so the names come from the members of
// the organization.
import type { Membership } from "../../organizations/api/organizations";

export type CommentAuthor = {
  label: string;
  // The author's email, shown as a tooltip, when it is not the label already.
  email?: string;
};

export function commentAuthor(
  authorUserId: string | null | undefined,
  members: readonly Membership[] | undefined,
): CommentAuthor {
  if (!authorUserId) return { label: "API" };

  // A member who has left, or a member list the caller may not read, leaves
  // only the id.
  const member = members?.find((candidate) => String(candidate.user.id) === authorUserId);
  if (!member) return { label: `User ${authorUserId}` };

  const { email, first_name: first = "", last_name: last = "" } = member.user;
  const name = `${first} ${last}`.trim();
  return name ? { label: name, email } : { label: email };
}
