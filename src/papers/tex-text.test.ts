/** TeX's plain-text form for <title>, mail and feeds (issue 16 item 3). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutOutsideMath, mathAlpha, texText } from './tex-text.ts';

test('titles and abstracts with TeX read as plain text (table)', () => {
  const rows: [string, string][] = [
    ['On $\\ell_1$-regularized trees', 'On ℓ₁-regularized trees'],
    ['Sorting in $O(n \\log n)$ time', 'Sorting in O(n log n) time'],
    ['$\\alpha$, $\\beta_2$ and $\\Omega(n^2)$', 'α, β₂ and Ω(n²)'],
    ['$\\mathbb{E}[X] \\in \\mathbb{R}^d$, $\\mathbb{N}$', '𝔼[X] ∈ ℝᵈ, ℕ'],
    ['$a \\leq b \\geq c \\neq d \\to e$, $A \\times B \\cdot C$', 'a ≤ b ≥ c ≠ d → e, A × B · C'],
    ['\\emph{Fast} and \\textbf{exact} \\textit{sort}', 'Fast and exact sort'],
    ['Bound $$\\sum_{i=1}^n x_i \\le \\frac{1}{2}$$ holds', 'Bound ∑ᵢ₌₁ⁿ xᵢ ≤ 1/2 holds'],
    ['$W^{-1}$, $A^\\top$, $\\sqrt{n+1}$, $x^{(t)}_{ij}$', 'W⁻¹, Aᵀ, √(n+1), x⁽ᵗ⁾ᵢⱼ'],
    ['$\\mathcal{L}_{\\text{CE}}$ and $\\mathbf{x}$', 'ℒ_(CE) and 𝐱'],
    ['Costs \\$5, 50\\% off; Schr\\"odinger', 'Costs $5, 50% off; Schrödinger'],
    ['An \\(x_1\\) and \\[y^2\\]', 'An x₁ and y²'],
    ['no maths at all', 'no maths at all'],
    ['unclosed $x and text', 'unclosed $x and text'],
  ];
  for (const [input, want] of rows) assert.equal(texText(input), want, input);
});

test('styled letters map to Unicode mathematical alphanumerics, holes included', () => {
  assert.equal(mathAlpha('double-struck', 'ERNZ1'), '𝔼ℝℕℤ𝟙');
  assert.equal(mathAlpha('script', 'LB'), 'ℒℬ');
  assert.equal(mathAlpha('fraktur', 'gR'), '𝔤ℜ');
  assert.equal(mathAlpha('double-struck', 'α'), null);
  assert.equal(mathAlpha('normal', 'x'), null);
});

test('a cut text never ends inside a formula', () => {
  assert.equal(cutOutsideMath('a $x$ then $\\ell_'), 'a $x$ then');
  assert.equal(cutOutsideMath('a $$x'), 'a');
  assert.equal(cutOutsideMath('a $x$ b'), 'a $x$ b');
  assert.equal(cutOutsideMath('price \\$5'), 'price \\$5');
});
