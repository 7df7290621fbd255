import { registerFaultsDrill } from '../e2e/suites/drills-faults.mjs';

// Long drill (npm run drills): the faults drill of test/e2e/suites/drills-faults.mjs, larger.
// DRILL_FAULTS_SCALE multiplies the sizes (default 1 = the sizes below).
const scale = Number(process.env.DRILL_FAULTS_SCALE || 1);
const SIZES = {
	approvalItems: Math.round(100 * scale),
	customersPerItem: 10,
	triggered: Math.round(100 * scale),
	// The sandbox keeps the last 1000 accepted events for inspection: stay under it.
	events: Math.min(900, Math.round(800 * scale)),
	attributeCalls: Math.round(40 * scale),
	customersPerAttributeCall: 5,
};

export function register(ctx) {
	registerFaultsDrill(ctx, SIZES, 'large');
}
