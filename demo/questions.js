// One question as form controls of its type, and the value those controls hold. Values
// are what attempt-sync stores: an option id, a list of ids, true/false, a number, text.

const debounce = (fn, ms) => {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
};

/** Controls of `question`; `onAnswer(value)` gets each change (null: cleared). */
export function renderControls(question, onAnswer) {
  const name = `q-${question.id}`;
  const options = Array.isArray(question.options) ? question.options : [];
  const wrap = document.createElement('div');
  wrap.className = 'controls';
  const choice = (type, value, label) => {
    const input = Object.assign(document.createElement('input'), { type, name, value });
    const text = document.createElement('label');
    text.append(input, ` ${label}`);
    wrap.append(text);
    return input;
  };
  switch (question.type) {
    case 'single_choice':
      for (const option of options) choice('radio', option.id, option.text).addEventListener('change', () => onAnswer(option.id));
      break;
    case 'multiple_choice':
      for (const option of options) {
        choice('checkbox', option.id, option.text).addEventListener('change', () => {
          const picked = [...wrap.querySelectorAll('input:checked')].map((input) => input.value).sort();
          onAnswer(picked.length === 0 ? null : picked);
        });
      }
      break;
    case 'true_false':
      choice('radio', 'true', 'True').addEventListener('change', () => onAnswer(true));
      choice('radio', 'false', 'False').addEventListener('change', () => onAnswer(false));
      break;
    default: {
      const multiline = question.type === 'essay';
      const input = document.createElement(multiline ? 'textarea' : 'input');
      input.name = name;
      input.setAttribute('aria-label', 'Your answer');
      if (question.type === 'numeric') Object.assign(input, { type: 'number', step: 'any' });
      if (multiline) input.rows = 4;
      const send = () => {
        const text = input.value.trim();
        if (text === '') onAnswer(null);
        else onAnswer(question.type === 'numeric' ? Number(text) : input.value);
      };
      input.addEventListener('input', debounce(send, 300));
      wrap.append(input);
    }
  }
  return wrap;
}

/** Shows `value` in the controls of `question` (not while the student is typing in them). */
export function showValue(question, root, value) {
  for (const input of root.querySelectorAll('input, textarea')) {
    if (input === document.activeElement && (input.type === 'text' || input.type === 'number' || input.tagName === 'TEXTAREA')) continue;
    if (input.type === 'radio') input.checked = value !== null && value !== undefined && String(value) === input.value;
    else if (input.type === 'checkbox') input.checked = Array.isArray(value) && value.includes(input.value);
    else input.value = value === null || value === undefined ? '' : String(value);
  }
}

/** A value as text (for conflicts). */
export function describeValue(question, value) {
  if (value === null || value === undefined) return '(empty)';
  const options = Array.isArray(question?.options) ? question.options : [];
  const label = (id) => options.find((option) => option.id === id)?.text ?? id;
  if (Array.isArray(value)) return value.map(label).join(', ');
  if (typeof value === 'string' && options.length > 0) return label(value);
  return String(value);
}
