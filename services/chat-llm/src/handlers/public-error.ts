import { AnalyticsUnavailableError } from '../adapters/analytics-client.js';
import { ProviderError } from '../domain/provider.js';

/** The message of the stream's error event: our own failures say what happened, others do not leak. */
export function publicMessage(err: unknown): string {
  if (err instanceof ProviderError || err instanceof AnalyticsUnavailableError) return err.message;
  return 'the answer failed; please try again';
}
