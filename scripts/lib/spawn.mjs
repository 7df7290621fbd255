// One way to run a child process from the scripts and benchmarks: its output shown as it comes and,
// when asked, collected too (tee). Resolves with the exit code (1 when a signal ended it).
import { spawn } from 'node:child_process';

/**
 * Runs `command args`. `collect: true` pipes stdout and stderr, writes them through to this
 * process's own and returns them as `output` (interleaved as they came); `collect: false` lets the
 * child write to the terminal directly (colours and all) and returns `output: ''`.
 * `stdout: 'collect-only'` collects stdout without showing it (e.g. a child that prints JSON).
 * `onChild(child)` sees the child; `forwardSignals: true` passes SIGINT and SIGTERM on to it while it runs.
 */
export function runTee(command, args, { cwd, env = {}, collect = true, stdout = 'tee', onChild, forwardSignals = false } = {}) {
	return new Promise((resolve) => {
		const child = spawn(command, args, {
			cwd,
			env: { ...process.env, ...env },
			stdio: ['ignore', collect ? 'pipe' : 'inherit', collect ? 'pipe' : 'inherit'],
		});
		onChild?.(child);
		const forward = (signal) => child.kill(signal);
		if (forwardSignals) for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
		let output = '';
		if (collect) {
			child.stdout.on('data', (chunk) => {
				output += chunk;
				if (stdout === 'tee') process.stdout.write(chunk);
			});
			child.stderr.on('data', (chunk) => {
				output += chunk;
				process.stderr.write(chunk);
			});
		}
		child.on('error', (error) => {
			output += `${error.message}\n`;
			process.stderr.write(`${command}: ${error.message}\n`);
		});
		child.on('close', (code, signal) => {
			if (forwardSignals) for (const name of ['SIGINT', 'SIGTERM']) process.off(name, forward);
			resolve({ code: code ?? 1, signal, output });
		});
	});
}
