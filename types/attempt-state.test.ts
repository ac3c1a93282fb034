import { describe, expect, it } from 'vitest';
import { AnswerValueSchema, QuestionOptionsSchema } from './attempt-state.ts';

describe('QuestionOptionsSchema', () => {
  it('accepts the choices of a choice question and keeps further keys', () => {
    const options = [{ id: 'a', text: 'Mitral', image: 'valve.png' }, { id: 'b', text: 'Pyloric' }];
    expect(QuestionOptionsSchema.parse(options)).toEqual(options);
  });

  it('accepts the empty options of other question types', () => {
    expect(QuestionOptionsSchema.parse([])).toEqual([]);
  });

  it('refuses an option without an id', () => {
    expect(QuestionOptionsSchema.safeParse([{ text: 'Mitral' }]).success).toBe(false);
  });
});

describe('AnswerValueSchema', () => {
  it('accepts every kind of answer, a cleared one included', () => {
    for (const value of ['b', ['a', 'c'], true, 42.5, 'nephron', null]) {
      expect(AnswerValueSchema.parse(value)).toEqual(value);
    }
  });

  it('refuses what is not JSON', () => {
    expect(AnswerValueSchema.safeParse(undefined).success).toBe(false);
  });
});
