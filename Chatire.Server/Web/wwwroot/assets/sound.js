// A short two-note chime made with WebAudio (no sound file), for messages that arrive while the
// tab is in the background. Browsers allow audio only after the user has interacted with the page.

let context = null;

function unlock() {
  const AudioContextClass = window.AudioContext ?? window.webkitAudioContext;
  if (!AudioContextClass) return;
  context ??= new AudioContextClass();
  if (context.state === 'suspended') context.resume().catch(() => {});
}

for (const type of ['pointerdown', 'keydown']) {
  window.addEventListener(type, unlock, { capture: true, passive: true });
}

export function chime() {
  if (!context || context.state !== 'running') return;
  const now = context.currentTime;
  const gain = context.createGain();
  gain.connect(context.destination);
  gain.gain.setValueAtTime(0.0001, now);
  gain.gain.exponentialRampToValueAtTime(0.18, now + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.5);
  for (const [frequency, start] of [[880, 0], [1318.5, 0.12]]) {
    const oscillator = context.createOscillator();
    oscillator.type = 'sine';
    oscillator.frequency.setValueAtTime(frequency, now + start);
    oscillator.connect(gain);
    oscillator.start(now + start);
    oscillator.stop(now + start + 0.4);
  }
}
