/** Request validation with zod: a failed parse becomes a 400 naming the field. */
import type { z } from "zod";
import { AppError } from "../errors";

export function parseBody<T extends z.ZodTypeAny>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join(".") || "body";
  throw new AppError("BAD_REQUEST", `${field}: ${issue.message}`);
}
