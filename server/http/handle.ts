import type { Request, RequestHandler, Response } from "express";

/** Express 4 does not catch rejected promises: pass them on to the error handler. */
export function handle(fn: (req: Request, res: Response) => unknown): RequestHandler {
  return (req, res, next) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}
