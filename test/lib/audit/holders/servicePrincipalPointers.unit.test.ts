import { describe, expect, it } from 'vitest';
import { pointerIndex } from '../../../../lib/audit/holders/servicePrincipalPointers.js';
import type { ServicePrincipalPointer } from '../../../../lib/domain.js';

const pointer = (n: number, name: string, displayName = name): ServicePrincipalPointer => ({
  name,
  displayName,
  identity: `00000000-0000-4000-8000-00000000000${n}`,
  objectId: `00000000-0000-4000-8000-00000000000${n}`,
  appId: `aaaaaaaa-0000-4000-8000-00000000000${n}`,
});

describe('pointerIndex', () => {
  const archiver = pointer(1, 'Legacy Archiver');
  const bot = pointer(2, 'Archive Bot_SP', 'Archive Bot');
  const twinA = pointer(3, 'Twin_SP');
  const twinB = pointer(4, 'Twin_SP');
  const index = pointerIndex([archiver, bot, twinA, twinB]);

  it('finds a pointer by object id, appId or Identity, case and spaces aside', () => {
    expect(index.find([archiver.objectId.toUpperCase()])).toEqual({ pointer: archiver });
    expect(index.find([` ${bot.appId} `])).toEqual({ pointer: bot });
  });

  it('prefers an id over a name and a Name over a DisplayName, whatever order the names come in', () => {
    expect(index.find(['Archive Bot', archiver.objectId])).toEqual({ pointer: archiver });
    const shadow = pointer(5, 'Archive Bot');
    expect(pointerIndex([bot, shadow]).find(['archive bot'])).toEqual({ pointer: shadow });
  });

  it('answers ambiguous for a name two pointers share, and nothing for an unknown or empty name', () => {
    expect(index.find(['Twin_SP'])).toEqual({ ambiguous: [twinA, twinB] });
    expect(index.find(['Nobody', '', undefined])).toBeUndefined();
  });
});
