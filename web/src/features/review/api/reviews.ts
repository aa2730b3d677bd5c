// Reviews of annotations: a reviewer accepts or rejects one with a comment,
// which also moves its task through the project's workflow on the server.
import { z } from "zod";
import { apiJson } from "../../../api/client";

export const reviewSchema = z.object({
  id: z.number(),
  annotation: z.number(),
  created_by: z.number().nullable(),
  accepted: z.boolean(),
  comment: z.string(),
  created_at: z.string(),
});
export type Review = z.infer<typeof reviewSchema>;

export function fetchReviews(annotationId: number): Promise<Review[]> {
  return apiJson(`/api/annotation-reviews?annotation=${annotationId}`, z.array(reviewSchema));
}

export function createReview(annotationId: number, accepted: boolean, comment: string): Promise<Review> {
  return apiJson("/api/annotation-reviews", reviewSchema, {
    method: "POST",
    json: { annotation: annotationId, accepted, comment },
  });
}
