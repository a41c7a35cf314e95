"""Hand-written link input: each spelling system, namesakes and twins, with the truth."""

from __future__ import annotations

import polars as pl

COLUMNS = ["record_id", "family_name", "given_name", "name_native"]
COLUMNS += ["date_of_birth", "sex", "passport_no", "person"]

# record_id, family, given, native, birth date, sex, passport, true person
CASES = [
    ("a1", "Kim", "Chol Su", "", "1985-03-12", "M", "G12345678", "kim-cholsu"),
    ("a2", "", "", "金哲洙", "1985-03-12", "M", "", "kim-cholsu"),
    ("a3", "Gim", "Cheol-su", "김철수", "1985-12-03", "M", "", "kim-cholsu"),  # day/month swap
    ("a4", "KIM", "CHOLSU", "", "1985-03-12", "", "G12345687", "kim-cholsu"),  # passport typo
    ("a5", "Kim", "Ch'ŏl-su", "", "1985-03-12", "M", "", "kim-cholsu"),
    ("a6", "Chul Soo", "Kim", "", "1985-03-13", "M", "", "kim-cholsu"),  # swapped, digit off
    ("b1", "Ri", "Yong Hui", "리영희", "1990-07-21", "F", "", "lee-younghee"),
    ("b2", "Lee", "Young-hee", "", "1990-07-21", "F", "", "lee-younghee"),
    ("b3", "I", "Yeong-hui", "李英姬", "1990-07-21", "F", "", "lee-younghee"),
    ("b4", "", "Yi Yŏng-hŭi", "", "1990-07-21", "F", "", "lee-younghee"),  # one field
    ("c1", "Park", "Jung-ho", "", "1978-11-02", "M", "", "park-jungho"),
    ("c2", "Pak", "Chong Ho", "", "1978-11-02", "M", "", "park-jungho"),
    ("c3", "Bak", "Jeongho", "朴正浩", "1978-11-02", "M", "", "park-jungho"),
    ("d1", "Choe", "Ryong Hae", "최룡해", "1950-01-30", "M", "", "choe-ryonghae"),
    ("d2", "Choi", "Yong-hae", "崔龍海", "1950-01-30", "M", "", "choe-ryonghae"),
    ("d3", "", "Choe Ryong Hae", "", "1950-01-30", "M", "", "choe-ryonghae"),
    ("e1", "Rim", "Su Jin", "", "1988-05-05", "F", "", "lim-sujin"),
    ("e2", "Lim", "Soo-jin", "林秀珍", "1988-05-05", "F", "", "lim-sujin"),
    ("e3", "Im", "Sujin", "", "1988-05-05", "F", "", "lim-sujin"),
    ("f1", "Ryu", "Kyong Min", "", "1983-02-14", "M", "", "ryu-kyungmin"),
    ("f2", "Yoo", "Kyung-min", "柳京敏", "1983-02-14", "M", "", "ryu-kyungmin"),
    ("f3", "Yu", "Gyeongmin", "", "1983-02-14", "", "", "ryu-kyungmin"),
    ("g1", "O", "Song Chol", "", "1966-10-09", "M", "", "oh-sungchul"),
    ("g2", "Oh", "Sung-chul", "오성철", "1966-10-09", "M", "", "oh-sungchul"),
    ("h1", "Kim", "Min Sang", "", "1980-08-18", "M", "", "kim-minsang"),
    ("h2", "Min Sang Kim", "", "", "1980-08-18", "M", "", "kim-minsang"),  # Western order
    ("i1", "Cho", "Ok", "조옥", "1962-02-02", "F", "", "cho-ok"),
    ("i2", "Ok", "Cho", "", "1962-02-02", "F", "", "cho-ok"),  # swapped, rare surname
    # namesakes: three different 김영철s, one of them listed twice
    ("n1", "Kim", "Yong Chol", "", "1970-01-01", "M", "", "kim-youngchul-1970"),
    ("n2", "Gim", "Yeong-cheol", "김영철", "1970-01-01", "M", "", "kim-youngchul-1970"),
    ("n3", "Kim", "Young-chul", "", "1982-06-15", "M", "", "kim-youngchul-1982"),
    ("n4", "", "", "김영철", "1991-09-30", "M", "", "kim-youngchul-1991"),
    # twins: same surname and birth date, different given names
    ("t1", "Jeong", "Min-su", "", "1995-04-04", "M", "", "jeong-minsu"),
    ("t2", "", "", "정민수", "1995-04-04", "M", "", "jeong-minsu"),
    ("t3", "Jeong", "Hyun-woo", "정현우", "1995-04-04", "M", "", "jeong-hyunwoo"),
    ("t4", "Han", "So Yong", "", "1999-12-12", "F", "", "han-soyoung"),
    ("t5", "", "", "한미영", "1999-12-12", "F", "", "han-miyoung"),
    ("t6", "", "", "김용수", "2000-03-03", "M", "", "kim-yongsu"),  # one key, YOGSO:
    ("t7", "Kim", "Yeong-su", "", "2000-03-03", "M", "", "kim-youngsu"),  # eo is never 용
]


def cases_frame() -> pl.DataFrame:
    """The cases as link input plus a `person` truth column (empty cells as null)."""
    frame = pl.DataFrame(CASES, schema=COLUMNS, orient="row")
    return frame.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in COLUMNS
    )


def true_groups() -> set[frozenset[str]]:
    """Record ids grouped by true person."""
    groups: dict[str, set[str]] = {}
    for row in CASES:
        groups.setdefault(row[-1], set()).add(row[0])
    return {frozenset(g) for g in groups.values()}


def groups_of(clusters: pl.DataFrame) -> set[frozenset[str]]:
    """Record ids grouped by cluster_id."""
    grouped = clusters.group_by("cluster_id").agg(pl.col("record_id"))
    return {frozenset(ids) for ids in grouped["record_id"].to_list()}
