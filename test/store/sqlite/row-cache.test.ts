import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRowCache } from '../../../src/store/sqlite/row-cache.js';

interface Row {
  readonly id: string;
  readonly v: number;
}

/** A load that counts its calls and returns `row`. */
function loader(row: Row | undefined) {
  const load = () => {
    load.calls++;
    return Promise.resolve(row);
  };
  load.calls = 0;
  return load;
}

test('a row read once is served from memory after, frozen, until invalidated', async () => {
  const cache = createRowCache<Row>(10);
  const load = loader({ id: 'a', v: 1 });
  assert.deepEqual(await cache.read('a', load), { id: 'a', v: 1 });
  const again = await cache.read('a', load);
  assert.equal(load.calls, 1);
  assert.ok(Object.isFrozen(again), 'every reader shares the row: it must not be changed');
  cache.invalidate('a');
  await cache.read('a', load);
  assert.equal(load.calls, 2);
});

test('a missing row is not remembered: the next read asks the database again', async () => {
  const cache = createRowCache<Row>(10);
  const load = loader(undefined);
  assert.equal(await cache.read('a', load), undefined);
  assert.equal(await cache.read('a', load), undefined);
  assert.equal(load.calls, 2);
  assert.equal(cache.size, 0);
});

test('a row loaded while a change was reported is returned but not kept: it may predate the change', async () => {
  const cache = createRowCache<Row>(10);
  let finish!: (row: Row) => void;
  const pending = cache.read('a', () => new Promise<Row>((resolve) => (finish = resolve)));
  cache.invalidate('b'); // any row: the load's statement may have run before or after it
  finish({ id: 'a', v: 1 });
  assert.deepEqual(await pending, { id: 'a', v: 1 });
  assert.equal(cache.size, 0);
  const load = loader({ id: 'a', v: 2 });
  assert.deepEqual(await cache.read('a', load), { id: 'a', v: 2 });
  assert.equal(load.calls, 1);
});

test('past its capacity, the row filled first goes first', async () => {
  const cache = createRowCache<Row>(2);
  for (const id of ['a', 'b', 'c']) await cache.read(id, loader({ id, v: 0 }));
  assert.equal(cache.size, 2);
  const a = loader({ id: 'a', v: 0 });
  const c = loader({ id: 'c', v: 0 });
  await cache.read('c', c);
  await cache.read('a', a);
  assert.deepEqual([a.calls, c.calls], [1, 0]);
});

test('the capacity must be a positive integer', () => {
  for (const capacity of [0, -1, 1.5, Number.NaN]) assert.throws(() => createRowCache(capacity), RangeError);
});
