import { createHmac } from 'crypto';
import { normalizeSignatureHeader, signBody, verifySignature } from '../../../nodes/shared/signature';

const OPTIMOVE_VECTOR = 'c0fa1bc00531bd78ef38c628449c5102aeabd49b5dc3a2a516ea6ea959d6658e';

describe('signature', () => {
	it("matches Optimove's published test vector", () => {
		expect(signBody('abcdefg', 'I love cupcakes')).toBe(OPTIMOVE_VECTOR);
		expect(verifySignature(Buffer.from('I love cupcakes'), OPTIMOVE_VECTOR, 'abcdefg')).toBe(true);
	});

	it.each([
		['upper-case hex', OPTIMOVE_VECTOR.toUpperCase()],
		['sha256= prefix', `sha256=${OPTIMOVE_VECTOR}`],
		['SHA256= prefix, spaces', `  SHA256=${OPTIMOVE_VECTOR} `],
		['array header', [OPTIMOVE_VECTOR]],
	])('accepts %s', (_, header) => {
		expect(verifySignature(Buffer.from('I love cupcakes'), header, 'abcdefg')).toBe(true);
	});

	it.each([
		['a tampered body', 'I love cupcakes!', OPTIMOVE_VECTOR, 'abcdefg'],
		['a wrong secret', 'I love cupcakes', OPTIMOVE_VECTOR, 'abcdefh'],
		['a missing header', 'I love cupcakes', undefined, 'abcdefg'],
		['a truncated signature', 'I love cupcakes', OPTIMOVE_VECTOR.slice(0, 63), 'abcdefg'],
		['no secret', 'I love cupcakes', OPTIMOVE_VECTOR, ''],
	])('rejects %s', (_, body, header, secret) => {
		expect(verifySignature(Buffer.from(body), header, secret)).toBe(false);
	});

	it('verifies the exact bytes: re-serialised JSON with the same meaning does not verify', () => {
		const raw = Buffer.from('{"request_uid":"u1",  "approved":true}');
		const header = createHmac('sha256', 's3cret').update(raw).digest('hex');
		expect(verifySignature(raw, header, 's3cret')).toBe(true);
		const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
		expect(verifySignature(reserialised, header, 's3cret')).toBe(false);
	});

	it('signs non-UTF-8 bytes as bytes', () => {
		const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
		const header = createHmac('sha256', 'k').update(raw).digest('hex');
		expect(verifySignature(raw, header, 'k')).toBe(true);
		expect(verifySignature(Buffer.from(raw.toString('utf8')), header, 'k')).toBe(false);
	});

	it('normalises only well-formed hex digests', () => {
		expect(normalizeSignatureHeader('xyz')).toBeUndefined();
		expect(normalizeSignatureHeader(42)).toBeUndefined();
		expect(normalizeSignatureHeader(`sha256=${OPTIMOVE_VECTOR.toUpperCase()}`)).toBe(OPTIMOVE_VECTOR);
	});
});
