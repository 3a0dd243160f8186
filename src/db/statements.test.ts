import assert from 'node:assert/strict';
import { test } from 'node:test';
import { named, sqliteText } from './statements.ts';

test('named: each key becomes "prefix.key" with its text', () => {
  const S = named('statementsTest.shape', { one: 'SELECT 1', two: 'SELECT $1::int' });
  assert.deepEqual(S.one, { name: 'statementsTest.shape.one', text: 'SELECT 1' });
  assert.deepEqual(S.two, { name: 'statementsTest.shape.two', text: 'SELECT $1::int' });
});

test('named: the same name with the same text again is fine (a module evaluated twice)', () => {
  named('statementsTest.again', { x: 'SELECT 1' });
  assert.doesNotThrow(() => named('statementsTest.again', { x: 'SELECT 1' }));
});

test('named: a second text under a known name throws, naming the name', () => {
  named('statementsTest.clash', { byId: 'SELECT * FROM users WHERE id = $1' });
  assert.throws(
    () => named('statementsTest.clash', { byId: 'SELECT * FROM papers WHERE id = $1' }),
    /statement name "statementsTest\.clash\.byId" is already used for different SQL/,
  );
});

test('named: a name PostgreSQL would cut short (over 63 bytes) throws', () => {
  assert.throws(() => named('statementsTest', { ['k'.repeat(60)]: 'SELECT 1' }), /longer than 63 bytes/);
});

test('sqliteText: $n becomes ?n, so a parameter may repeat', () => {
  assert.equal(sqliteText('SELECT $1, $2, $1'), 'SELECT ?1, ?2, ?1');
});
