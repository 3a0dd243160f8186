import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextDailySlot, offsetMinutes, previousDailySlot, zonedDay, zonedInstant } from './zoned-time.ts';

const NY = 'America/New_York';
const iso = (d: Date) => d.toISOString();

describe('zoned time', () => {
  it('20:00 New York is 01:00 UTC in winter and 00:00 UTC in summer', () => {
    assert.equal(iso(zonedInstant(2024, 1, 15, 20, 0, NY)), '2024-01-16T01:00:00.000Z');
    assert.equal(iso(zonedInstant(2024, 7, 15, 20, 0, NY)), '2024-07-16T00:00:00.000Z');
    assert.equal(offsetMinutes(new Date('2024-01-15T12:00:00Z'), NY), -300);
    assert.equal(offsetMinutes(new Date('2024-07-15T12:00:00Z'), NY), -240);
  });

  it('across the spring-forward day (2024-03-10) the slot moves from 01:00 to 00:00 UTC', () => {
    const before = nextDailySlot(new Date('2024-03-09T12:00:00Z'), '20:00', NY);
    assert.equal(iso(before), '2024-03-10T01:00:00.000Z');
    const after = nextDailySlot(before, '20:00', NY);
    assert.equal(iso(after), '2024-03-11T00:00:00.000Z', '23 hours later, not 24');
  });

  it('across the fall-back day (2024-11-03) the slot moves from 00:00 to 01:00 UTC', () => {
    const a = nextDailySlot(new Date('2024-11-02T12:00:00Z'), '20:00', NY);
    assert.equal(iso(a), '2024-11-03T00:00:00.000Z');
    assert.equal(iso(nextDailySlot(a, '20:00', NY)), '2024-11-04T01:00:00.000Z');
  });

  it('a time skipped by the gap moves forward; a repeated time takes its first occurrence', () => {
    assert.equal(iso(zonedInstant(2024, 3, 10, 2, 30, NY)), '2024-03-10T07:30:00.000Z'); // 03:30 EDT
    assert.equal(iso(zonedInstant(2024, 11, 3, 1, 30, NY)), '2024-11-03T05:30:00.000Z'); // 01:30 EDT
  });

  it('previous slot is the latest at or before now; days are on the zone calendar', () => {
    assert.equal(
      iso(previousDailySlot(new Date('2024-01-16T00:30:00Z'), '20:00', NY)),
      '2024-01-15T01:00:00.000Z',
    );
    assert.equal(
      iso(previousDailySlot(new Date('2024-01-16T01:00:00Z'), '20:00', NY)),
      '2024-01-16T01:00:00.000Z',
    );
    assert.equal(zonedDay(new Date('2024-02-01T05:00:00Z'), NY), '2024-02-01');
    assert.equal(zonedDay(new Date('2024-02-01T04:59:00Z'), NY), '2024-01-31');
    assert.equal(
      iso(nextDailySlot(new Date('2024-01-15T10:00:00Z'), '09:30', 'UTC')),
      '2024-01-16T09:30:00.000Z',
    );
  });
});
