import type { IWebhookFunctions } from 'n8n-workflow';
import { clock } from '../shared/transport';

/**
 * The credential's webhook signing secret, read at most once per CACHE_MS per credential.
 *
 * Why: in n8n 2.x every `getCredentials()` outside an execution acquires an expression isolate,
 * which cost about two thirds of a notification's handling time. A changed secret is picked up
 * within CACHE_MS; a signature that fails against a cached secret re-reads the credential at most
 * once per REREAD_MS, so a rotated secret works at once and forged floods cannot force a read each.
 */
const CACHE_MS = 10_000;
const REREAD_MS = 1_000;

interface Entry {
	secret: string;
	readAt: number;
}

const cache = new Map<string, Entry>();

async function read(ctx: IWebhookFunctions): Promise<string> {
	const credentials = await ctx.getCredentials('optimoveApi');
	return typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
}

function cacheKey(ctx: IWebhookFunctions): string | undefined {
	return ctx.getNode().credentials?.optimoveApi?.id ?? undefined;
}

export interface SecretLookup {
	secret: string;
	/** Re-reads the credential when the cached secret may be stale; undefined when it may not. */
	reread: () => Promise<string | undefined>;
}

export async function signingSecret(ctx: IWebhookFunctions): Promise<SecretLookup> {
	const key = cacheKey(ctx);
	const now = clock.now();
	const fresh = async () => {
		const secret = await read(ctx);
		if (key) cache.set(key, { secret, readAt: clock.now() });
		return secret;
	};
	const cached = key ? cache.get(key) : undefined;
	if (cached && now - cached.readAt < CACHE_MS) {
		return {
			secret: cached.secret,
			reread: async () => (clock.now() - cached.readAt >= REREAD_MS ? await fresh() : undefined),
		};
	}
	return { secret: await fresh(), reread: async () => undefined };
}

/** For tests: forget every cached secret. */
export function clearSigningSecrets(): void {
	cache.clear();
}
