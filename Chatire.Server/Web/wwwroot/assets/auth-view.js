// Sign in and create an account. Field errors from the API appear under their fields.
import * as api from './api.js';
import { h, icon } from './dom.js';

const FIELDS = {
  signin: [
    { name: 'username', label: 'Username', autocomplete: 'username', type: 'text' },
    { name: 'password', label: 'Password', autocomplete: 'current-password', type: 'password' },
  ],
  signup: [
    { name: 'email', label: 'Email', autocomplete: 'email', type: 'email', hint: 'Optional. Used only to identify your account.' },
    { name: 'username', label: 'Username', autocomplete: 'username', type: 'text', hint: 'Letters, digits and @ . + - _ only.' },
    { name: 'password', label: 'Password', autocomplete: 'new-password', type: 'password', hint: 'At least 8 characters, not only digits, not like your username.' },
  ],
};

/**
 * The sign-in / sign-up card. options: {mode, notice, joining}
 * Resolves nothing; a successful sign-in changes the session, which re-renders the app.
 */
export function authView({ mode = 'signin', notice = null, joining = false } = {}) {
  const root = h('main', { class: 'auth' });
  render(mode);
  return { element: root, focus: () => root.querySelector('input')?.focus() };

  function render(current) {
    const signup = current === 'signup';
    const heading = signup ? 'Create your account' : joining ? 'Sign in to join the chat' : 'Welcome back';
    const lead = signup ? (joining ? 'Pick a username and you are in the chat you were invited to.' : 'Pick a username and start chatting in seconds.') : joining ? 'You were invited to a chat. Sign in or create an account to join it.' : 'Sign in to continue to your chats.';
    const alert = h('div', { class: 'form-alert', role: 'alert', hidden: !notice, text: notice ?? '' });
    const inputs = {};
    const errors = {};
    const fields = FIELDS[current].map((field) => {
      const id = `${current}-${field.name}`;
      const errorId = `${id}-error`;
      const hintId = `${id}-hint`;
      inputs[field.name] = h('input', {
        id, name: field.name, type: field.type, autocomplete: field.autocomplete, required: field.name !== 'email',
        'aria-describedby': [field.hint ? hintId : null, errorId].filter(Boolean).join(' '),
        autocapitalize: 'none', spellcheck: 'false',
      });
      errors[field.name] = h('p', { class: 'field-error', id: errorId, hidden: true });
      return h('div', { class: 'field' },
        h('label', { for: id, text: field.label }),
        inputs[field.name],
        field.hint ? h('p', { class: 'hint', id: hintId, text: field.hint }) : null,
        errors[field.name]);
    });
    const submit = h('button', { type: 'submit', class: 'btn primary block', text: signup ? 'Create account' : 'Sign in' });
    const form = h('form', { class: 'auth-form', novalidate: true, 'aria-labelledby': 'auth-heading', onsubmit: onSubmit }, alert, fields, submit);
    const switcher = h('p', { class: 'switch' },
      signup ? 'Already have an account? ' : 'New to Chatire? ',
      h('button', { type: 'button', class: 'btn link', text: signup ? 'Sign in' : 'Create an account', onclick: () => { notice = null; render(signup ? 'signin' : 'signup'); root.querySelector('input')?.focus(); } }));

    root.replaceChildren(h('div', { class: 'auth-card' },
      h('div', { class: 'brand big' }, h('span', { class: 'logo' }, icon('chat')), h('span', { text: 'Chatire' })),
      h('h1', { id: 'auth-heading', text: heading }),
      h('p', { class: 'muted lead', text: lead }),
      form,
      switcher));

    async function onSubmit(event) {
      event.preventDefault();
      clearErrors();
      const values = Object.fromEntries(Object.entries(inputs).map(([name, input]) => [name, input.value]));
      const missing = FIELDS[current].filter((f) => f.name !== 'email' && !values[f.name]);
      if (missing.length) {
        for (const field of missing) showFieldError(field.name, ['This field is required.']);
        inputs[missing[0].name].focus();
        return;
      }
      submit.disabled = true;
      submit.classList.add('busy');
      submit.textContent = signup ? 'Creating account…' : 'Signing in…';
      try {
        if (signup) await api.signUp({ email: values.email.trim(), username: values.username, password: values.password });
        else await api.signIn(values.username, values.password);
      } catch (error) {
        submit.disabled = false;
        submit.classList.remove('busy');
        submit.textContent = signup ? 'Create account' : 'Sign in';
        showError(error);
      }
    }

    function clearErrors() {
      alert.hidden = true;
      for (const [name, el] of Object.entries(errors)) {
        el.hidden = true;
        el.textContent = '';
        inputs[name].removeAttribute('aria-invalid');
      }
    }

    function showFieldError(name, messages) {
      errors[name].textContent = messages.join(' ');
      errors[name].hidden = false;
      inputs[name].setAttribute('aria-invalid', 'true');
    }

    function showError(error) {
      const fieldErrors = error instanceof api.ApiError ? error.fields : {};
      const general = [];
      let first = null;
      for (const [name, messages] of Object.entries(fieldErrors)) {
        if (inputs[name]) {
          showFieldError(name, messages);
          first ??= inputs[name];
        } else {
          general.push(...messages);
        }
      }
      if (!Object.keys(fieldErrors).length) general.push(error.message);
      if (general.length) {
        alert.textContent = general.join(' ');
        alert.hidden = false;
      }
      (first ?? inputs.password ?? inputs.username).focus();
    }
  }
}
