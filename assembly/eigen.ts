// Symmetric eigen-decomposition: Householder reduction to tridiagonal form followed by the
// implicit QL iteration (the EISPACK tred2/tql2 pair, in the form published with the JAMA
// public-domain matrix package). O(n³) with a small constant and orthogonal to machine precision,
// so it serves both PCA (n×n covariance of a few hundred spectra) and the tiny Gram matrices of
// LCF. The Larch reference (numpy eigh, LAPACK syevd) differs only in eigenvector signs.

/**
 * Eigenvalues (ascending) and eigenvectors of the symmetric n×n matrix a (row-major; only the
 * values matter, a is not modified). Writes d (n) and V (n×n row-major, column j = eigenvector j).
 */
export function symEigenInto(a: Float64Array, n: i32, d: Float64Array, V: Float64Array): void {
  const e = new Float64Array(n);
  for (let i = 0; i < n * n; i++) unchecked((V[i] = a[i]));
  if (n == 1) {
    unchecked((d[0] = a[0]));
    unchecked((V[0] = 1.0));
    return;
  }
  tred2(n, V, d, e);
  tql2(n, V, d, e);
}

// V[i][j] = V[i * n + j]

function tred2(n: i32, V: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) unchecked((d[j] = V[(n - 1) * n + j]));
  for (let i = n - 1; i > 0; i--) {
    let scale = 0.0;
    let h = 0.0;
    for (let k = 0; k < i; k++) scale += Math.abs(unchecked(d[k]));
    if (scale == 0.0) {
      unchecked((e[i] = d[i - 1]));
      for (let j = 0; j < i; j++) {
        unchecked((d[j] = V[(i - 1) * n + j]));
        unchecked((V[i * n + j] = 0.0));
        unchecked((V[j * n + i] = 0.0));
      }
    } else {
      for (let k = 0; k < i; k++) {
        unchecked((d[k] /= scale));
        h += unchecked(d[k]) * unchecked(d[k]);
      }
      let f = unchecked(d[i - 1]);
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      unchecked((e[i] = scale * g));
      h = h - f * g;
      unchecked((d[i - 1] = f - g));
      for (let j = 0; j < i; j++) unchecked((e[j] = 0.0));
      for (let j = 0; j < i; j++) {
        f = unchecked(d[j]);
        unchecked((V[j * n + i] = f));
        g = unchecked(e[j]) + unchecked(V[j * n + j]) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += unchecked(V[k * n + j]) * unchecked(d[k]);
          unchecked((e[k] += V[k * n + j] * f));
        }
        unchecked((e[j] = g));
      }
      f = 0.0;
      for (let j = 0; j < i; j++) {
        unchecked((e[j] /= h));
        f += unchecked(e[j]) * unchecked(d[j]);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) unchecked((e[j] -= hh * d[j]));
      for (let j = 0; j < i; j++) {
        f = unchecked(d[j]);
        g = unchecked(e[j]);
        for (let k = j; k <= i - 1; k++) unchecked((V[k * n + j] -= f * e[k] + g * d[k]));
        unchecked((d[j] = V[(i - 1) * n + j]));
        unchecked((V[i * n + j] = 0.0));
      }
    }
    unchecked((d[i] = h));
  }
  // accumulate the transformations
  for (let i = 0; i < n - 1; i++) {
    unchecked((V[(n - 1) * n + i] = V[i * n + i]));
    unchecked((V[i * n + i] = 1.0));
    const h = unchecked(d[i + 1]);
    if (h != 0.0) {
      for (let k = 0; k <= i; k++) unchecked((d[k] = V[k * n + i + 1] / h));
      for (let j = 0; j <= i; j++) {
        let g = 0.0;
        for (let k = 0; k <= i; k++) g += unchecked(V[k * n + i + 1]) * unchecked(V[k * n + j]);
        for (let k = 0; k <= i; k++) unchecked((V[k * n + j] -= g * d[k]));
      }
    }
    for (let k = 0; k <= i; k++) unchecked((V[k * n + i + 1] = 0.0));
  }
  for (let j = 0; j < n; j++) {
    unchecked((d[j] = V[(n - 1) * n + j]));
    unchecked((V[(n - 1) * n + j] = 0.0));
  }
  unchecked((V[(n - 1) * n + n - 1] = 1.0));
  unchecked((e[0] = 0.0));
}

function hypot(a: f64, b: f64): f64 {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const r = y / x;
    return x * Math.sqrt(1.0 + r * r);
  }
  if (y == 0.0) return 0.0;
  const r = x / y;
  return y * Math.sqrt(1.0 + r * r);
}

function tql2(n: i32, V: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) unchecked((e[i - 1] = e[i]));
  unchecked((e[n - 1] = 0.0));
  let f = 0.0;
  let tst1 = 0.0;
  const eps = 2.220446049250313e-16;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(unchecked(d[l])) + Math.abs(unchecked(e[l])));
    let m = l;
    while (m < n) {
      if (Math.abs(unchecked(e[m])) <= eps * tst1) break;
      m++;
    }
    if (m == n) m = n - 1;
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        let g = unchecked(d[l]);
        let p = (unchecked(d[l + 1]) - g) / (2.0 * unchecked(e[l]));
        let r = hypot(p, 1.0);
        if (p < 0) r = -r;
        unchecked((d[l] = e[l] / (p + r)));
        unchecked((d[l + 1] = e[l] * (p + r)));
        const dl1 = unchecked(d[l + 1]);
        let h = g - unchecked(d[l]);
        for (let i = l + 2; i < n; i++) unchecked((d[i] -= h));
        f += h;
        p = unchecked(d[m]);
        let c = 1.0;
        let c2 = c;
        let c3 = c;
        const el1 = unchecked(e[l + 1]);
        let s = 0.0;
        let s2 = 0.0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * unchecked(e[i]);
          h = c * p;
          r = hypot(p, unchecked(e[i]));
          unchecked((e[i + 1] = s * r));
          s = unchecked(e[i]) / r;
          c = p / r;
          p = c * unchecked(d[i]) - s * g;
          unchecked((d[i + 1] = h + s * (c * g + s * d[i])));
          for (let k = 0; k < n; k++) {
            const vk1 = unchecked(V[k * n + i + 1]);
            const vk = unchecked(V[k * n + i]);
            unchecked((V[k * n + i + 1] = s * vk + c * vk1));
            unchecked((V[k * n + i] = c * vk - s * vk1));
          }
        }
        p = (-s * s2 * c3 * el1 * unchecked(e[l])) / dl1;
        unchecked((e[l] = s * p));
        unchecked((d[l] = c * p));
      } while (Math.abs(unchecked(e[l])) > eps * tst1 && iter < 60);
    }
    unchecked((d[l] = d[l] + f));
    unchecked((e[l] = 0.0));
  }
  // ascending order (selection sort, columns of V follow)
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = unchecked(d[i]);
    for (let j = i + 1; j < n; j++) {
      if (unchecked(d[j]) < p) {
        k = j;
        p = unchecked(d[j]);
      }
    }
    if (k != i) {
      unchecked((d[k] = d[i]));
      unchecked((d[i] = p));
      for (let j = 0; j < n; j++) {
        const t = unchecked(V[j * n + i]);
        unchecked((V[j * n + i] = V[j * n + k]));
        unchecked((V[j * n + k] = t));
      }
    }
  }
}

/** ABI: [eigenvalues ascending (n), eigenvectors (n×n row-major, column j for eigenvalue j)]. */
export function symEigen(a: Float64Array, n: i32): Float64Array {
  const d = new Float64Array(n);
  const V = new Float64Array(n * n);
  symEigenInto(a, n, d, V);
  const out = new Float64Array(n + n * n);
  for (let i = 0; i < n; i++) unchecked((out[i] = d[i]));
  for (let i = 0; i < n * n; i++) unchecked((out[n + i] = V[i]));
  return out;
}
