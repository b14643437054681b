"""Subcaptions of the week-1 clips (scenes/linear_transform.py), English and Chinese: data only."""

from __future__ import annotations

# subcaptions: key -> (English, Chinese); formatted with the scene's numbers
CAPTIONS: dict[str, tuple[str, str]] = {
    "grid": ("A matrix moves every point of the plane at once.", "矩阵同时移动平面上的每一个点。"),
    "basis": ("It is enough to know where î and ĵ land: the columns of A.", "只需知道 î 和 ĵ 落在哪里：A 的列。"),
    "move": ("Grid lines stay straight, parallel and evenly spaced; the origin stays put.",
             "网格线保持笔直、平行且等距；原点不动。"),
    "columns": ("î landed on ({a}, {c}) and ĵ on ({b}, {d}).", "î 落在 ({a}, {c})，ĵ 落在 ({b}, {d})。"),
    "area": ("The unit square became a parallelogram of signed area det A = {det}.",
             "单位正方形变成有向面积为 det A = {det} 的平行四边形。"),
    "square": ("The unit square has area 1, and î turns counter-clockwise into ĵ.", "单位正方形面积为 1，î 逆时针转向 ĵ。"),
    "scale": ("Every area is multiplied by the same number: the determinant.", "每个面积都乘以同一个数：行列式。"),
    "det+": ("det A = {det} > 0: areas scale by {det} and the orientation is kept.",
             "det A = {det} > 0：面积乘以 {det}，定向保持不变。"),
    "det-": ("det A = {det} < 0: areas scale by {absdet} and the plane is flipped like a mirror.",
             "det A = {det} < 0：面积乘以 {absdet}，平面像镜子一样翻转。"),
    "det0": ("det A = 0: the plane collapses onto a line or a point; the map cannot be undone.",
             "det A = 0：平面塌缩为一条直线或一个点；映射不可逆。"),
    "charpoly": ("The eigenvalues solve det(A − λI) = 0.", "特征值是 det(A − λI) = 0 的根。"),
    "real": ("Two real eigenvalues: two lines through the origin stay put.", "两个实特征值：两条过原点的直线保持不动。"),
    "defective": ("One repeated eigenvalue and only one eigenline.", "一个重特征值，只有一条特征直线。"),
    "scalar": ("A = λI: every direction is an eigendirection.", "A = λI：每个方向都是特征方向。"),
    "complex": ("Complex eigenvalues: no real direction stays put, every vector turns.",
                "复特征值：没有实方向保持不变，每个向量都转动。"),
    "stretch": ("On an eigenline A v = λ v: vectors are only stretched (flipped if λ < 0); others turn.",
                "在特征直线上 A v = λ v：向量只被拉伸（λ < 0 时翻转）；其他向量会转动。"),
}
