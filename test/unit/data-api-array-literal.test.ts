import { expect, test } from 'vitest';
import { MultidimensionalArrayError, parseArrayLiteral } from '../../local/data-api/array-literal.ts';

test('splits an array literal into its elements, NULL as null', () => {
  expect(parseArrayLiteral('{1,NULL,3}')).toEqual(['1', null, '3']);
});

test('unquotes quoted elements with their backslash escapes', () => {
  expect(parseArrayLiteral('{"a b","c\\"d","NULL",e}')).toEqual(['a b', 'c"d', 'NULL', 'e']);
});

test('reads an empty array as no elements', () => {
  expect(parseArrayLiteral('{}')).toEqual([]);
});

test('ignores a bounds decoration', () => {
  expect(parseArrayLiteral('[0:1]={x,y}')).toEqual(['x', 'y']);
});

test('refuses a multidimensional array', () => {
  expect(() => parseArrayLiteral('{{1,2},{3,4}}')).toThrow(MultidimensionalArrayError);
});
