import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../errors.ts';
import { dayPeriod, monthPeriod, periodFromQuery, periodLabel, shift, weekOf, weekPeriod } from './period.ts';

test('parses days, ISO weeks and months into inclusive ranges (table)', () => {
  const rows: [() => unknown, { from: string; to: string; key: string }][] = [
    [() => dayPeriod('2024-02-29'), { key: '2024-02-29', from: '2024-02-29', to: '2024-02-29' }],
    [() => weekPeriod('2024-W01'), { key: '2024-W01', from: '2024-01-01', to: '2024-01-07' }],
    [() => weekPeriod('2021-W01'), { key: '2021-W01', from: '2021-01-04', to: '2021-01-10' }],
    [() => weekPeriod('2020-W53'), { key: '2020-W53', from: '2020-12-28', to: '2021-01-03' }],
    [() => monthPeriod('2024-02'), { key: '2024-02', from: '2024-02-01', to: '2024-02-29' }],
    [() => monthPeriod('2023-12'), { key: '2023-12', from: '2023-12-01', to: '2023-12-31' }],
    [() => weekOf('2021-01-03'), { key: '2020-W53', from: '2020-12-28', to: '2021-01-03' }],
    [() => weekOf('2024-12-30'), { key: '2025-W01', from: '2024-12-30', to: '2025-01-05' }],
  ];
  for (const [make, want] of rows) {
    const p = make() as { from: string; to: string; key: string };
    assert.deepEqual({ key: p.key, from: p.from, to: p.to }, want);
  }
});

test('prev/next cross month, year and ISO-year boundaries', () => {
  assert.equal(shift(dayPeriod('2024-03-01'), -1).key, '2024-02-29');
  assert.equal(shift(dayPeriod('2023-12-31'), 1).key, '2024-01-01');
  assert.equal(shift(weekPeriod('2020-W53'), 1).key, '2021-W01');
  assert.equal(shift(weekPeriod('2021-W01'), -1).key, '2020-W53');
  assert.equal(shift(monthPeriod('2024-01'), -1).key, '2023-12');
  assert.equal(shift(monthPeriod('2024-12'), 1).key, '2025-01');
});

test('refuses impossible or malformed periods with a message', () => {
  for (const bad of ['2024-02-30', '2024-13-01', '24-01-01', '2024-1-1', '0000-01-01', "1' OR 1=1"])
    assert.throws(() => dayPeriod(bad), InvalidInputError, bad);
  for (const bad of ['2021-W53', '2024-W00', '2024-W1', '2024W01'])
    assert.throws(() => weekPeriod(bad), InvalidInputError, bad);
  for (const bad of ['2024-00', '2024-13', '2024-1'])
    assert.throws(() => monthPeriod(bad), InvalidInputError, bad);
  assert.throws(() => periodFromQuery({ date: '2024-01-01', week: '2024-W01' }, '2024-01-01'), /only one/);
});

test('query defaults to the fallback day; labels read naturally', () => {
  assert.equal(periodFromQuery({}, '2024-05-01').key, '2024-05-01');
  assert.equal(periodFromQuery({ month: '2024-05' }, 'x').kind, 'month');
  assert.equal(periodLabel(dayPeriod('2024-05-01')), 'Wednesday, 1 May 2024');
  assert.equal(periodLabel(monthPeriod('2024-05')), 'May 2024');
  assert.match(periodLabel(weekPeriod('2024-W18')), /^Week 18 of 2024/);
});
