/**
 * The tutor's system prompt, in one place and versioned: every assistant
 * message stores {@linkcode PROMPT_VERSION} in its metadata. Socratic (hints
 * and questions before answers), in the language the student writes in.
 *
 * Never given an answer key: the context comes from `private.prepare_tutor_turn`,
 * which returns a question only from a closed attempt, and then only its
 * prompt, options, explanation and the student's graded answer.
 *
 * @module
 */

/** Bump with every change of the wording below. */
export const PROMPT_VERSION = "tutor-2026-12-01.1";

/** A weak sub-skill of the student. */
export interface WeakSubSkill {
  sub_skill: string;
  /** Share of correct answers, 0 to 1. */
  accuracy: number;
  answered: number;
}

/** A question of a closed attempt, as the database gives it. */
export interface ClosedQuestion {
  prompt: string;
  type: string;
  options?: { id: string; text: string }[];
  sub_skill?: string | null;
  explanation?: string | null;
  answer?: unknown;
  is_correct?: boolean | null;
  points_awarded?: number | string | null;
  points?: number | string | null;
}

/** What the system prompt is built from. */
export interface PromptContext {
  academyName: string;
  specialty?: string | null;
  weakSubSkills: WeakSubSkill[];
  /** Only from a closed attempt. */
  question?: ClosedQuestion | null;
  /** The sub-skill the student asks about, if the client says. */
  subSkill?: string | null;
}

/**
 * Builds the system prompt.
 *
 * @example
 * ```ts
 * buildSystemPrompt({ academyName: "East Academy", weakSubSkills: [] });
 * ```
 */
export function buildSystemPrompt(context: PromptContext): string {
  const lines = [
    `You are the study tutor of ${context.academyName}.`,
    "Tutor in the Socratic way: start with a question or a hint that helps the student find the next step themselves; give a full solution only after they have tried, or when they ask again for it.",
    "Keep answers short and concrete, one idea at a time, and end with a question that checks understanding.",
    "Always answer in the language the student writes in.",
    "Never help with a question of an exam the student is taking now; if asked, say that you can help once the exam is over.",
  ];
  if (context.specialty) lines.push(`The student's field of study: ${context.specialty}.`);
  if (context.weakSubSkills.length > 0) {
    const skills = context.weakSubSkills.map((skill) =>
      `${skill.sub_skill} (${
        Math.round(Number(skill.accuracy) * 100)
      }% correct of ${skill.answered})`
    );
    lines.push(
      `Their weakest sub-skills so far: ${
        skills.join(", ")
      }. Connect explanations to them when it helps.`,
    );
  }
  if (context.subSkill) lines.push(`They are working on the sub-skill: ${context.subSkill}.`);
  const question = context.question;
  if (question) {
    lines.push(
      "",
      "The student asks about this question of an exam they finished:",
      `Question: ${question.prompt}`,
    );
    if (question.options && question.options.length > 0) {
      lines.push(
        `Options: ${question.options.map((option) => `${option.id}) ${option.text}`).join("; ")}`,
      );
    }
    if (question.answer !== undefined && question.answer !== null) {
      const verdict = question.is_correct === true
        ? "correct"
        : question.is_correct === false
        ? "incorrect"
        : "not graded yet";
      lines.push(`Their answer: ${JSON.stringify(question.answer)} (${verdict}).`);
    } else {
      lines.push("They did not answer it.");
    }
    if (question.explanation) lines.push(`Teacher's explanation: ${question.explanation}`);
  }
  return lines.join("\n");
}

const REFUSALS: Record<string, string> = {
  en:
    "I can't help with this right now: it looks like a question of an exam you are taking. Finish the exam first, and I'll gladly go through it with you afterwards.",
  es:
    "Ahora no puedo ayudarte con esto: parece una pregunta de un examen que estás haciendo. Termina el examen primero y después lo repasamos juntos con gusto.",
  fr:
    "Je ne peux pas t'aider pour l'instant : cela ressemble à une question d'un examen en cours. Termine d'abord l'examen, ensuite nous la reverrons volontiers ensemble.",
  de:
    "Dabei kann ich dir gerade nicht helfen: Das sieht nach einer Frage aus einer Prüfung aus, die du gerade schreibst. Beende zuerst die Prüfung, danach gehen wir sie gern gemeinsam durch.",
  pt:
    "Não posso ajudar com isso agora: parece uma pergunta de uma prova que você está fazendo. Termine a prova primeiro e depois revisamos juntos com prazer.",
  it:
    "Ora non posso aiutarti: sembra una domanda di un esame che stai svolgendo. Finisci prima l'esame, poi la rivediamo volentieri insieme.",
};

const HINTS: [string, RegExp][] = [
  ["es", /\b(qué|cómo|por qué|cuál|el|la|los|las|es|pregunta|ayuda|examen|ejercicio)\b|[ñ¿¡]/giu],
  ["fr", /\b(quel|quelle|comment|pourquoi|est-ce|le|la|les|des|une|je|aide|examen)\b/giu],
  ["de", /\b(was|wie|warum|der|die|das|ist|ich|und|nicht|hilfe|prüfung|aufgabe)\b|[ß]/giu],
  ["pt", /\b(que|como|porque|não|você|uma|é|ajuda|prova|questão|exercício)\b|[ãõç]/giu],
  ["it", /\b(che|come|perché|il|gli|della|è|sono|aiuto|esame|domanda)\b/giu],
  ["en", /\b(what|how|why|the|is|are|i|you|help|question|exam|this)\b/giu],
];

/**
 * A guess at the language of a student's message (`en`, `es`, `fr`, `de`,
 * `pt`, `it`), for the messages the server writes itself; the model follows
 * the student's language on its own.
 *
 * @example
 * ```ts
 * guessLanguage("¿Cómo se resuelve esta ecuación?"); // "es"
 * ```
 */
export function guessLanguage(text: string): string {
  let best = "en";
  let bestScore = 0;
  for (const [language, pattern] of HINTS) {
    const score = text.match(pattern)?.length ?? 0;
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The assistant's answer when the integrity rule refuses, in the student's language.
 *
 * @example
 * ```ts
 * refusalText("Was ist die Antwort auf Frage 3?").startsWith("Dabei"); // true
 * ```
 */
export function refusalText(studentText: string): string {
  return REFUSALS[guessLanguage(studentText)] ?? REFUSALS.en!;
}
