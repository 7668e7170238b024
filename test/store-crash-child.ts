/**
 * Child process for the durability test: writes through the store, then dies by SIGKILL right after the
 * promises resolved, without closing anything.
 */
import { openSqliteStore } from '../engine/store/sqlite.js';
import { newJob } from './store-job-data.js';

const file = process.argv[2] as string;
const store = openSqliteStore(file);
await store.enqueueAndSetCursor('shipment-to-3pl', [newJob(1), newJob(2), newJob(3)], '{"id":3}');
const [job] = await store.lease('worker', 1, 60_000, 1_000);
await store.beginAttempt(job!.id, 1, { version: 'v2', payload: '{"id":1}' });
await store.complete(job!.id, { status: 201, externalId: 'S-1' });
await store.appendEvents([{ correlationId: 'corr-1', flow: 'shipment-to-3pl', kind: 'written_back' }]);
process.kill(process.pid, 'SIGKILL');
