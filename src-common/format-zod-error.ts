import type { z } from 'zod';

/** One readable line per problem: `config.maxConcurrentAgents: At most 64 agents`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'request';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
