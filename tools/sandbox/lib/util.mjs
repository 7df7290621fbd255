// Small helpers shared by the sandbox modules. No dependencies beyond node:*.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** mulberry32: tiny seedable PRNG, returns a function yielding floats in [0, 1). */
export function createRng(seed = 42) {
	let a = (Number(seed) >>> 0) || 0x9e3779b9;
	return function rng() {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Random UUID v4 built from a seedable rng (deterministic per seed). */
export function uuidFrom(rng) {
	const b = new Array(16);
	for (let i = 0; i < 16; i++) b[i] = Math.floor(rng() * 256);
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** hex(HMAC-SHA256(secret, body)) over the exact bytes (Buffer or string). */
export function hmacHex(secret, body) {
	return createHmac('sha256', String(secret)).update(body).digest('hex');
}

/** Constant-time comparison of two hex signatures (case-insensitive, optional `sha256=` prefix). */
export function signatureMatches(expectedHex, given) {
	if (typeof given !== 'string') return false;
	let g = given.trim();
	if (g.toLowerCase().startsWith('sha256=')) g = g.slice(7);
	g = g.toLowerCase();
	if (!/^[0-9a-f]{64}$/.test(g)) return false;
	return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(g, 'hex'));
}

/** 'YYYY-MM-DD HH:MM:SS' (naive UTC) from epoch ms. */
export function naiveUtc(ms) {
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** 'YYYY-MM-DD' (UTC) from epoch ms. */
export function utcDate(ms) {
	return new Date(ms).toISOString().slice(0, 10);
}

/** Parses epoch ms, ISO 8601, or naive 'YYYY-MM-DD HH:MM:SS' (read as UTC). Returns NaN if invalid. */
export function parseTime(value) {
	if (typeof value === 'number') return value;
	if (typeof value !== 'string' || !value.trim()) return NaN;
	const s = value.trim();
	if (/^\d+$/.test(s)) return Number(s);
	const naive = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(s);
	if (naive) return Date.parse(`${naive[1]}T${naive[2]}Z`);
	return Date.parse(s);
}

/** Durations: 500, '500ms', '90s', '2m', '1h', '1.5m'. Plain numbers are milliseconds. */
export function parseDuration(value) {
	if (typeof value === 'number') return value;
	const m = /^\s*(-?\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(String(value ?? ''));
	if (!m) throw new Error(`Invalid duration: ${value}`);
	const n = Number(m[1]);
	const unit = (m[2] || 'ms').toLowerCase();
	return Math.round(n * { ms: 1, s: 1000, m: 60000, h: 3600000 }[unit]);
}

/** Sliding-window log limiter: allow `limit` hits per `windowMs`, per key. Only allowed hits count. */
export class SlidingWindow {
	constructor({ limit = 50, windowMs = 10000 } = {}, now = Date.now) {
		this.limit = limit;
		this.windowMs = windowMs;
		this.now = now;
		this.hits = new Map();
	}
	/** Returns true when allowed (and records the hit), false when over the limit. */
	hit(key = '') {
		const t = this.now();
		let arr = this.hits.get(key);
		if (!arr) {
			arr = [];
			this.hits.set(key, arr);
		}
		const from = t - this.windowMs;
		let drop = 0;
		while (drop < arr.length && arr[drop] <= from) drop++;
		if (drop) arr.splice(0, drop);
		if (arr.length >= this.limit) return false;
		arr.push(t);
		return true;
	}
	/** Milliseconds until the next hit for `key` would be allowed (0 if now). */
	retryAfterMs(key = '') {
		const arr = this.hits.get(key);
		if (!arr || arr.length < this.limit) return 0;
		return Math.max(0, arr[0] + this.windowMs - this.now());
	}
	reset() {
		this.hits.clear();
	}
}

export function percentile(sortedAsc, p) {
	if (!sortedAsc.length) return null;
	const idx = Math.min(sortedAsc.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAsc.length) - 1));
	return sortedAsc[idx];
}

export function latencyStats(values) {
	const arr = Float64Array.from(values).sort();
	if (!arr.length) return { count: 0, p50: null, p90: null, p99: null, max: null, mean: null };
	let sum = 0;
	for (const v of arr) sum += v;
	const r = (x) => Math.round(x * 100) / 100;
	return {
		count: arr.length,
		p50: r(percentile(arr, 50)),
		p90: r(percentile(arr, 90)),
		p99: r(percentile(arr, 99)),
		max: r(arr[arr.length - 1]),
		mean: r(sum / arr.length),
	};
}

/** Bounded ring buffer keeping the last `size` items. */
export class Ring {
	constructor(size = 1000) {
		this.size = size;
		this.items = [];
		this.start = 0;
		this.total = 0;
	}
	push(item) {
		this.total++;
		if (this.size <= 0) return;
		if (this.items.length < this.size) this.items.push(item);
		else {
			this.items[this.start] = item;
			this.start = (this.start + 1) % this.size;
		}
	}
	/** Oldest first; the last `limit` items. */
	toArray(limit = Infinity) {
		const all = this.items.slice(this.start).concat(this.items.slice(0, this.start));
		return limit < all.length ? all.slice(all.length - limit) : all;
	}
	clear() {
		this.items = [];
		this.start = 0;
		this.total = 0;
	}
}

export function increment(obj, key, by = 1) {
	obj[key] = (obj[key] || 0) + by;
	return obj[key];
}

export function isHttpUrl(value) {
	if (typeof value !== 'string' || !value) return false;
	try {
		const u = new URL(value);
		return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.hostname;
	} catch {
		return false;
	}
}

export function isPlainObject(v) {
	return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown by handlers: answered as `status` with `body` (JSON-encoded unless undefined). */
export class HttpError extends Error {
	constructor(status, body, headers = {}) {
		super(typeof body === 'string' ? body : JSON.stringify(body));
		this.status = status;
		this.body = body;
		this.headers = headers;
	}
}

/** Integer from a number or a digit string; undefined when absent; NaN when malformed. */
export function toInt(v) {
	if (v === undefined || v === null || v === '') return undefined;
	if (typeof v === 'number') return Number.isInteger(v) ? v : NaN;
	if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
	return NaN;
}
