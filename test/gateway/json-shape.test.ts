// The JSON shape bounds (shared/http/json-shape.ts) read the text as a parser
// would: brackets, colons and quotes inside strings do not count.
import { describe, expect, it } from 'vitest';
import { JSON_SHAPE_LIMITS, jsonShapeProblem } from '../../shared/http/json-shape.js';

const limits = { maxDepth: 4, maxMembers: 4 };

describe('jsonShapeProblem', () => {
  it('lets through bodies within the bounds, whatever their strings hold', () => {
    expect(jsonShapeProblem('{"a":{"b":[1,2,{"c":"[[[[{{{{:::"}]}}', limits)).toBeUndefined();
    expect(jsonShapeProblem('{"a":"\\"[[[[:::\\\\","b":1}', limits)).toBeUndefined();
    expect(jsonShapeProblem('', limits)).toBeUndefined();
  });

  it('refuses nesting past the depth and members past the count', () => {
    expect(jsonShapeProblem('[[[[[]]]]]', limits)).toMatch(/deeper than 4/);
    expect(jsonShapeProblem('{"a":1,"b":2,"c":3,"d":4,"e":5}', limits)).toMatch(/more than 4/);
  });

  it('scans a 1 MiB body nested to the limit of the bytes in one linear pass', () => {
    const depth = 512 * 1024;
    expect(jsonShapeProblem(`${'['.repeat(depth)}${']'.repeat(depth)}`, JSON_SHAPE_LIMITS)).toMatch(/deeper than 32/);
  });
});
