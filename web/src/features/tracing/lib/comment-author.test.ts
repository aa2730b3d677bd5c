import { describe, expect, it } from "vitest";
import type { Membership } from "../../organizations/api/organizations";
import { commentAuthor } from "./comment-author";

function member(id: number, email: string, first_name?: string, last_name?: string): Membership {
  return { user: { id, email, first_name, last_name }, role: "annotator", created_at: "2026-12-01T10:00:00Z" };
}

const members = [member(7, "ada@example.com", "Ada", "Lovelace"), member(8, "bob@example.com", "", "")];

describe("commentAuthor", () => {
  it("names a member by first and last name with the email aside", () => {
    expect(commentAuthor("7", members)).toEqual({ label: "Ada Lovelace", email: "ada@example.com" });
  });

  it("names a member without a name by email", () => {
    expect(commentAuthor("8", members)).toEqual({ label: "bob@example.com" });
  });

  it("uses a lone first or last name", () => {
    expect(commentAuthor("9", [member(9, "cy@example.com", undefined, "Young")]).label).toBe("Young");
  });

  it("falls back to the id for an unknown user or an unread member list", () => {
    expect(commentAuthor("42", members)).toEqual({ label: "User 42" });
    expect(commentAuthor("7", undefined)).toEqual({ label: "User 7" });
  });

  it("names comments without an author as API", () => {
    expect(commentAuthor(null, members)).toEqual({ label: "API" });
    expect(commentAuthor(undefined, members)).toEqual({ label: "API" });
  });
});
