// Dense least squares by Householder QR (row-major A, m x n, m >= n). Used for polynomial fits
// (on centred, scaled abscissae) and for the AUTOBK Gauss-Newton steps.

/**
 * Solves min ||A x - b|| in place: A (m*n, row-major) and b (m) are overwritten.
 * Returns x (n). Columns with a zero Householder norm get x = 0 (rank deficiency).
 */
export function lstsqInPlace(A: Float64Array, b: Float64Array, m: i32, n: i32): Float64Array {
  const x = new Float64Array(n);
  const diag = new Float64Array(n);
  // dot products of the reflector with the later columns (and b, at index n): each accumulates
  // over rows i = k … m−1 in that order, as one column at a time would, so the numbers are the
  // same; one pass over the rows serves every column (row-major A is read contiguously)
  const dots = new Float64Array(n + 1);
  const pa = A.dataStart;
  const pb = b.dataStart;
  const pd = dots.dataStart;
  const kmax = n < m ? n : m;
  for (let k = 0; k < kmax; k++) {
    let norm = 0.0;
    for (let i = k; i < m; i++) {
      const v = load<f64>(pa + ((<usize>(i * n + k)) << 3));
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    if (norm == 0.0) {
      unchecked((diag[k] = 0.0));
      continue;
    }
    const akk = unchecked(A[k * n + k]);
    const alpha = akk > 0 ? -norm : norm;
    // v = a_k - alpha e_k stored in column k (rows k..m-1)
    unchecked((A[k * n + k] = akk - alpha));
    let vnorm2 = 0.0;
    for (let i = k; i < m; i++) {
      const v = load<f64>(pa + ((<usize>(i * n + k)) << 3));
      vnorm2 += v * v;
    }
    unchecked((diag[k] = alpha));
    if (vnorm2 == 0.0) continue;
    for (let j = k + 1; j <= n; j++) store<f64>(pd + (<usize>j << 3), 0.0);
    for (let i = k; i < m; i++) {
      const row = pa + (<usize>(i * n) << 3);
      const vk = load<f64>(row + (<usize>k << 3));
      for (let j = k + 1; j < n; j++) {
        const o = pd + (<usize>j << 3);
        store<f64>(o, load<f64>(o) + vk * load<f64>(row + (<usize>j << 3)));
      }
      const o = pd + (<usize>n << 3);
      store<f64>(o, load<f64>(o) + vk * load<f64>(pb + (<usize>i << 3)));
    }
    for (let j = k + 1; j <= n; j++) {
      const o = pd + (<usize>j << 3);
      store<f64>(o, (2.0 * load<f64>(o)) / vnorm2);
    }
    for (let i = k; i < m; i++) {
      const row = pa + (<usize>(i * n) << 3);
      const vk = load<f64>(row + (<usize>k << 3));
      for (let j = k + 1; j < n; j++) {
        const o = row + (<usize>j << 3);
        store<f64>(o, load<f64>(o) - load<f64>(pd + (<usize>j << 3)) * vk);
      }
      const o = pb + (<usize>i << 3);
      store<f64>(o, load<f64>(o) - load<f64>(pd + (<usize>n << 3)) * vk);
    }
  }
  // back substitution with R (diag in diag[], upper part in A)
  for (let k = kmax - 1; k >= 0; k--) {
    const d = unchecked(diag[k]);
    if (d == 0.0) {
      unchecked((x[k] = 0.0));
      continue;
    }
    let s = unchecked(b[k]);
    for (let j = k + 1; j < n; j++) s -= unchecked(A[k * n + j]) * unchecked(x[j]);
    unchecked((x[k] = s / d));
  }
  return x;
}

/** Copying wrapper: least-squares solution of A x = b (A row-major m x n). */
export function lstsq(A: Float64Array, b: Float64Array, m: i32, n: i32): Float64Array {
  const a2 = new Float64Array(m * n);
  const b2 = new Float64Array(m);
  for (let i = 0; i < m * n; i++) unchecked((a2[i] = A[i]));
  for (let i = 0; i < m; i++) unchecked((b2[i] = b[i]));
  return lstsqInPlace(a2, b2, m, n);
}
