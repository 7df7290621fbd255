// The GitHub Actions workflows, checked statically (no runner here): what they run, when, with
// which services and permissions. A workflow that drifts from .ci/run, from the variables the
// queue leg reads or from what npm provenance needs fails here, not on the first tag.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (relative) => readFileSync(path.join(ROOT, relative), 'utf8');
const workflow = (name) => parse(read(`.github/workflows/${name}`));

/** The command .ci/run runs: its last line that is not blank, a comment, `set`, or `cd`. */
const CI_COMMAND = read('.ci/run')
	.split('\n')
	.map((line) => line.trim())
	.filter((line) => line && !line.startsWith('#') && !/^(set|cd) /.test(line))
	.pop();
/** The variables tools/n8n/queue.mjs reads to find PostgreSQL and Redis. */
const QUEUE_VARIABLES = new Set([...read('tools/n8n/queue.mjs').matchAll(/env\.((?:DB_POSTGRESDB|QUEUE_BULL_REDIS)_[A-Z_]+)/g)].map((m) => m[1]));

const onlyJob = (wf) => {
	const jobs = Object.values(wf.jobs);
	assert.equal(jobs.length, 1, 'one job');
	return jobs[0];
};
const runs = (job) => job.steps.map((step) => step.run ?? '');
const indexOfRun = (job, pattern) => runs(job).findIndex((run) => pattern.test(run));

function assertRunsTheTests(job) {
	assert.equal(CI_COMMAND, 'npm test', ".ci/run's command");
	assert.ok(runs(job).some((run) => run.trim() === '.ci/run' || run.trim() === CI_COMMAND), `a step runs .ci/run (${CI_COMMAND})`);
}

function assertQueueServices(job) {
	const { postgres, redis } = job.services ?? {};
	assert.ok(postgres && redis, 'PostgreSQL and Redis service containers');
	assert.match(postgres.image, /^postgres:\d+/);
	assert.match(redis.image, /^redis:\d+/);
	assert.deepEqual(postgres.ports, ['5432:5432']);
	assert.deepEqual(redis.ports, ['6379:6379']);
	for (const service of [postgres, redis]) assert.match(service.options, /--health-cmd/, 'steps start once the service answers');

	const env = job.env ?? {};
	const set = Object.keys(env).filter((name) => /^(DB_POSTGRESDB|QUEUE_BULL_REDIS)_/.test(name));
	assert.deepEqual(set.filter((name) => !QUEUE_VARIABLES.has(name)), [], 'every service variable set is one queue.mjs reads');
	assert.equal(env.DB_POSTGRESDB_HOST, '127.0.0.1');
	assert.equal(String(env.DB_POSTGRESDB_PORT), postgres.ports[0].split(':')[0]);
	assert.equal(env.DB_POSTGRESDB_USER, 'postgres');
	assert.equal(env.DB_POSTGRESDB_PASSWORD, postgres.env.POSTGRES_PASSWORD, "the service's password");
	assert.equal(env.QUEUE_BULL_REDIS_HOST, '127.0.0.1');
	assert.equal(String(env.QUEUE_BULL_REDIS_PORT), redis.ports[0].split(':')[0]);
	assert.equal(String(env.CI), 'true', 'CI=true: a missing service fails the queue leg instead of skipping it');
}

function assertN8nCache(job) {
	const cache = job.steps.find((step) => /^actions\/cache@v\d+$/.test(step.uses ?? ''));
	assert.ok(cache, 'an actions/cache step');
	assert.equal(cache.with.path, '~/.cache/n8n-nodes-optimove');
	assert.match(cache.with.key, /hashFiles\(.*'scripts\/install-n8n\.sh'.*'scripts\/lib\/scanner\.mjs'/, 'the key changes with the pinned n8n and scanner');
	assert.ok(job.steps.indexOf(cache) < indexOfRun(job, /^\.ci\/run$/), 'restored before the tests');
}

function assertNoExpressionInScripts(wf) {
	for (const job of Object.values(wf.jobs)) {
		for (const run of runs(job)) assert.doesNotMatch(run, /\$\{\{/, `no \${{ }} inside a run script (injection): ${run}`);
	}
}

describe('.github/workflows/test.yml', () => {
	const wf = workflow('test.yml');
	const job = onlyJob(wf);

	it('runs on every push and pull request', () => {
		assert.deepEqual(wf.on.push, { branches: ['**'] });
		assert.ok('pull_request' in wf.on);
	});

	it("runs .ci/run's command, the whole suite", () => assertRunsTheTests(job));
	it('starts PostgreSQL and Redis where the queue leg looks for them', () => assertQueueServices(job));
	it('caches Node 24, n8n and the scanner', () => assertN8nCache(job));

	it('reads the repository only, and runs n8n\'s newest scanner on the weekly schedule only', () => {
		assert.deepEqual(wf.permissions, { contents: 'read' });
		assert.ok(wf.on.schedule?.length, 'a schedule');
		assert.match(job.env.N8N_SCANNER_VERSION, /github\.event_name == 'schedule' && 'latest' \|\| ''/);
	});

	it('puts no expression inside a script', () => assertNoExpressionInScripts(wf));
});

describe('.github/workflows/publish.yml', () => {
	const wf = workflow('publish.yml');
	const job = onlyJob(wf);

	it('runs for version tags only', () => {
		assert.deepEqual(Object.keys(wf.on), ['push']);
		assert.deepEqual(wf.on.push, { tags: ['v*'] });
	});

	it('may mint the OIDC token npm provenance is signed with, and only read the repository', () => {
		const permissions = { ...wf.permissions, ...job.permissions };
		assert.deepEqual(permissions, { contents: 'read', 'id-token': 'write' });
	});

	it('checks the tag, then runs the whole suite, then publishes with provenance', () => {
		const checkTag = indexOfRun(job, /^node scripts\/release\.mjs --check-tag "\$GITHUB_REF_NAME"$/);
		const tests = indexOfRun(job, /^\.ci\/run$/);
		const publish = indexOfRun(job, /^npm publish\b/);
		assert.ok(checkTag >= 0 && tests >= 0 && publish >= 0, `steps: ${runs(job).join(' | ')}`);
		assert.ok(checkTag < tests && tests < publish, 'tag check, tests, publish, in that order');
		assert.equal(publish, job.steps.length - 1, 'publishing is the last step');
		const command = runs(job)[publish].trim().split(/\s+/);
		assert.deepEqual(command.slice(0, 2), ['npm', 'publish']);
		assert.ok(command.includes('--provenance'), '--provenance');
		assert.equal(command[command.indexOf('--access') + 1], 'public', '--access public');
		assertRunsTheTests(job);
	});

	it('publishes with an npm that does trusted publishing, and leaves OIDC to npm unless NPM_TOKEN is set', () => {
		const setup = job.steps.find((step) => /^actions\/setup-node@v\d+$/.test(step.uses ?? ''));
		assert.ok(Number(setup.with['node-version']) >= 24, `node-version ${setup.with['node-version']}`);
		assert.equal(setup.with['registry-url'], undefined, "setup-node's registry-url .npmrc stops npm from trying OIDC");
		const before = job.steps.slice(0, indexOfRun(job, /^npm publish\b/)).map((step) => step.run ?? '').join('\n');
		assert.match(before, /npm install --global .*npm@\^11\.5\.1/);
		assert.match(before, /if \[ -n "\$NPM_TOKEN" \]; then npm config set \/\/registry\.npmjs\.org\/:_authToken "\$NPM_TOKEN"; fi/);
	});

	it('runs the tests with the queue services and the cache', () => {
		assertQueueServices(job);
		assertN8nCache(job);
	});

	it('puts no expression inside a script', () => assertNoExpressionInScripts(wf));
});

describe('package.json release scripts', () => {
	const pkg = JSON.parse(read('package.json'));
	it('npm run release is scripts/release.mjs, and npm publish outside the workflow is refused', () => {
		assert.equal(pkg.scripts.release, 'node scripts/release.mjs');
		assert.equal(pkg.scripts.prepublishOnly, 'node scripts/release.mjs --check-publish');
	});
});
