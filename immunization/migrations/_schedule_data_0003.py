"""The routine schedule as loaded by migration 0003_schedule_data (FY2025–FY2026 rules and the dated rules
before them, so that old records are judged by the rules of their day).

Frozen with its migration: a later change of the rules is a new data migration, never an edit here.
Sources: ../shared/docs/japan-reference.md §1 (each row there names its public source).
Offsets: "2m" = 生後2月に至った日, "7y6m", "6w" = 出生6週0日後, "27d" (see core.legal_age).
"""

D = "date"  # marker only; dates are ISO strings below

VACCINES = [
    # code, name, disease, class, kind, group, course, new_starts_until, notes, sources
    ("dpt_ipv_hib", "5種混合(DPT-IPV-Hib)", "ジフテリア・百日せき・破傷風・ポリオ・Hib感染症", "A", "inactivated",
     "dpt", "5in1", None,
     "令和6年4月1日から定期接種。4種混合・ヒブで開始した方はそのワクチンで完了します。",
     "http://www.city.yonago.lg.jp/42576.htm ; https://www.city.yokosuka.kanagawa.jp/3160/g_info/2012-10-25.html"),
    ("dpt_ipv", "4種混合(DPT-IPV)", "ジフテリア・百日せき・破傷風・ポリオ", "A", "inactivated",
     "dpt", "4in1_hib", "2024-03-31",
     "令和5年4月から接種開始が生後2月に(それまでは生後3月)。令和6年4月以降の新規開始は5種混合。",
     "https://matsuda-kids.com/blog/news/1029"),
    ("hib", "ヒブ(Hib)", "Hib感染症", "A", "inactivated", "dpt", "4in1_hib", "2024-03-31",
     "接種開始の月齢で回数が変わります(生後2〜7月: 4回、7〜12月: 3回、1〜5歳: 1回)。",
     "https://www.city.sanuki.lg.jp/soshiki/kokuhokenko/gyomu/10/3/791.html"),
    ("pcv", "小児肺炎球菌", "小児の肺炎球菌感染症", "A", "inactivated", "", "", None,
     "接種開始の月齢で回数が変わります(生後2〜7月: 4回、7〜12月: 3回、12〜24月: 2回、24〜60月: 1回)。PCV20は令和6年10月から。",
     "https://www.city.tamba.lg.jp/soshiki/kenkoka/gyomuannai/2/7/yobousessyusyouni/7112.html"),
    ("hepb", "B型肝炎", "B型肝炎", "A", "inactivated", "", "", None,
     "母子感染予防で接種した方は対象外。平成28年4月1日以後に生まれた方が対象。",
     "http://owariasahi.city-hc.jp/open_announcement/knowledge/msxsmy3j9389fnhy"),
    ("rota1", "ロタ 1価(ロタリックス)", "ロタウイルス感染症", "A", "live_oral", "rota", "rota1", None,
     "令和2年8月1日以後に生まれた方が対象。同じワクチンで完了します。初回は出生14週6日後までが標準。",
     "http://kansensho.jp/pc/article.html?id=QA20100204"),
    ("rota5", "ロタ 5価(ロタテック)", "ロタウイルス感染症", "A", "live_oral", "rota", "rota5", None,
     "令和2年8月1日以後に生まれた方が対象。同じワクチンで完了します。",
     "http://mori-town.city-hc.jp/open_announcement/knowledge/an1uWEWJZAO6gOzs"),
    ("bcg", "BCG", "結核", "A", "live_injectable", "", "", None, "",
     "https://www.kanehara-shuppan.co.jp/_data/ebooks/70246T/pageindices/index12.html"),
    ("mr", "MR(麻しん風しん)", "麻しん・風しん", "A", "live_injectable", "", "", None,
     "令和6年度の供給不足に伴う特例: 対象者は令和9年3月31日まで接種できます。",
     "https://www.city.etajima.hiroshima.jp/cms/articles/show/10709 ; https://h-crisis.niph.go.jp/?p=433976"),
    ("varicella", "水痘", "水痘", "A", "live_injectable", "", "", None, "",
     "http://www.town.taketoyo.lg.jp/contents_detail.php?co=cat&frmId=405&frmCd=5-6-4-0-0"),
    ("je", "日本脳炎", "日本脳炎", "A", "inactivated", "", "", None,
     "特例: 平成7年4月2日〜平成19年4月1日生まれは20歳未満まで、平成19年4月2日〜平成21年10月1日生まれは9〜12歳で1期の残りを接種できます。",
     "https://minato.city-hc.jp/open_announcement/knowledge/aTlCXPKHbOh6jKHP"),
    ("dt", "2種混合(DT)", "ジフテリア・破傷風", "A", "inactivated", "", "", None, "",
     "https://www.hokeniryo.metro.tokyo.lg.jp/kansen/yobosesshu/yobousesshu"),
    ("hpv2", "HPV 2価(サーバリックス)", "ヒトパピローマウイルス感染症", "A", "inactivated", "hpv", "hpv2", None,
     "同じワクチンで完了します。", "http://yaita.city-hc.jp/open_announcement/knowledge/mink30duwwqvycb9"),
    ("hpv4", "HPV 4価(ガーダシル)", "ヒトパピローマウイルス感染症", "A", "inactivated", "hpv", "hpv4", None,
     "同じワクチンで完了します。", "http://yaita.city-hc.jp/open_announcement/knowledge/mink30duwwqvycb9"),
    ("hpv9", "HPV 9価(シルガード9)", "ヒトパピローマウイルス感染症", "A", "inactivated", "hpv", "hpv9", None,
     "15歳に至るまでに1回目を接種した場合は2回(2回目は5か月以上後)、それ以外は3回。令和5年4月から定期接種。",
     "https://www.wic-net.com/material/document/8101/10"),
    ("rsv_maternal", "RSウイルス母子免疫(アブリスボ)", "RSウイルス感染症", "A", "inactivated", "", "", None,
     "令和8年4月1日から定期接種。接種日に妊娠28週0日〜36週6日の方(妊娠ごとに1回)。",
     "https://www.city.hakodate.hokkaido.jp/docs/2026020500021"),
    ("rubella_5", "風しん第5期", "風しん", "A", "live_injectable", "", "", None,
     "令和7年3月31日までに抗体検査を受け抗体価が不十分だった男性は令和9年3月31日まで接種できます。",
     "https://h-crisis.niph.go.jp/?p=433976"),
    ("flu_elderly", "高齢者インフルエンザ", "インフルエンザ", "B", "inactivated", "", "", None,
     "年度に1回。実施期間は市が定める期間(10月1日〜1月31日)。令和8年10月から75歳以上は高用量ワクチンも使用可。",
     "https://www.town.kota.lg.jp/soshiki/11/24849.html"),
    ("covid_elderly", "高齢者新型コロナ", "新型コロナウイルス感染症", "B", "inactivated", "", "", None,
     "令和6年10月から定期接種(B類)。年度に1回、10月1日〜3月31日。",
     "https://jplaws.app/d/333M50000100027-m.html"),
    ("ppv_elderly", "高齢者肺炎球菌", "高齢者の肺炎球菌感染症", "B", "inactivated", "", "", None,
     "生涯1回。令和8年3月31日まではPPSV23、令和8年4月1日からはPCV20。経過措置(70歳・75歳…)は令和6年3月31日で終了。",
     "https://www.city.okazaki.lg.jp/1100/1107/1146/p017817.html ; https://www.cbnews.jp/news/entry/20251222125703"),
    ("hz_live", "帯状疱疹 生ワクチン", "帯状疱疹", "B", "live_injectable", "hz", "live", None,
     "令和7年4月から定期接種。1回(皮下)。免疫不全の方は接種できません。",
     "https://www.town.hisayama.fukuoka.jp/soshiki/kenko/gyomu/yobosesshu/3989.html"),
    ("hz_rzv", "帯状疱疹 組換えワクチン(シングリックス)", "帯状疱疹", "B", "inactivated", "hz", "rzv", None,
     "令和7年4月から定期接種。2回(筋肉内、2か月以上あけて6か月までに)。",
     "https://www.city.anjo.aichi.jp/kurasu/kenko/yobosessyu/taijyouhousin-teiki.html"),
]

DOSES = [
    # code, vaccine, label, recurrence, sex
    ("dpt_ipv_hib_1i1", "dpt_ipv_hib", "1期初回1回目", "once", ""),
    ("dpt_ipv_hib_1i2", "dpt_ipv_hib", "1期初回2回目", "once", ""),
    ("dpt_ipv_hib_1i3", "dpt_ipv_hib", "1期初回3回目", "once", ""),
    ("dpt_ipv_hib_1b", "dpt_ipv_hib", "1期追加", "once", ""),
    ("dpt_ipv_1i1", "dpt_ipv", "1期初回1回目", "once", ""),
    ("dpt_ipv_1i2", "dpt_ipv", "1期初回2回目", "once", ""),
    ("dpt_ipv_1i3", "dpt_ipv", "1期初回3回目", "once", ""),
    ("dpt_ipv_1b", "dpt_ipv", "1期追加", "once", ""),
    ("hib_1i1", "hib", "初回1回目", "once", ""),
    ("hib_1i2", "hib", "初回2回目", "once", ""),
    ("hib_1i3", "hib", "初回3回目", "once", ""),
    ("hib_1b", "hib", "追加", "once", ""),
    ("pcv_1i1", "pcv", "初回1回目", "once", ""),
    ("pcv_1i2", "pcv", "初回2回目", "once", ""),
    ("pcv_1i3", "pcv", "初回3回目", "once", ""),
    ("pcv_1b", "pcv", "追加", "once", ""),
    ("hepb_1", "hepb", "1回目", "once", ""),
    ("hepb_2", "hepb", "2回目", "once", ""),
    ("hepb_3", "hepb", "3回目", "once", ""),
    ("rota1_1", "rota1", "1回目", "once", ""),
    ("rota1_2", "rota1", "2回目", "once", ""),
    ("rota5_1", "rota5", "1回目", "once", ""),
    ("rota5_2", "rota5", "2回目", "once", ""),
    ("rota5_3", "rota5", "3回目", "once", ""),
    ("bcg", "bcg", "1回", "once", ""),
    ("mr_1", "mr", "1期", "once", ""),
    ("mr_2", "mr", "2期", "once", ""),
    ("varicella_1", "varicella", "1回目", "once", ""),
    ("varicella_2", "varicella", "2回目", "once", ""),
    ("je_1i1", "je", "1期初回1回目", "once", ""),
    ("je_1i2", "je", "1期初回2回目", "once", ""),
    ("je_1b", "je", "1期追加", "once", ""),
    ("je_2", "je", "2期", "once", ""),
    ("dt_2", "dt", "2期", "once", ""),
    ("hpv2_1", "hpv2", "1回目", "once", "2"),
    ("hpv2_2", "hpv2", "2回目", "once", "2"),
    ("hpv2_3", "hpv2", "3回目", "once", "2"),
    ("hpv4_1", "hpv4", "1回目", "once", "2"),
    ("hpv4_2", "hpv4", "2回目", "once", "2"),
    ("hpv4_3", "hpv4", "3回目", "once", "2"),
    ("hpv9_1", "hpv9", "1回目", "once", "2"),
    ("hpv9_2", "hpv9", "2回目", "once", "2"),
    ("hpv9_3", "hpv9", "3回目", "once", "2"),
    ("rsv_maternal", "rsv_maternal", "1回(妊娠ごと)", "once", "2"),
    ("rubella_5", "rubella_5", "第5期", "once", "1"),
    ("flu_elderly", "flu_elderly", "年度1回", "per_fy", ""),
    ("covid_elderly", "covid_elderly", "年度1回", "per_fy", ""),
    ("ppv_elderly", "ppv_elderly", "1回", "once", ""),
    ("hz_live", "hz_live", "1回", "once", ""),
    ("hz_rzv_1", "hz_rzv", "1回目", "once", ""),
    ("hz_rzv_2", "hz_rzv", "2回目", "once", ""),
]


def W(doses, kind, **kw):
    """Windows for several doses at once."""
    return [dict(dose=d, kind=kind, **kw) for d in (doses.split() if isinstance(doses, str) else doses)]


DPT5 = "dpt_ipv_hib_1i1 dpt_ipv_hib_1i2 dpt_ipv_hib_1i3 dpt_ipv_hib_1b"
DPT4 = "dpt_ipv_1i1 dpt_ipv_1i2 dpt_ipv_1i3 dpt_ipv_1b"
HIB = "hib_1i1 hib_1i2 hib_1i3 hib_1b"
PCV = "pcv_1i1 pcv_1i2 pcv_1i3 pcv_1b"
HEPB = "hepb_1 hepb_2 hepb_3"
JE1 = "je_1i1 je_1i2 je_1b"
HPV23 = "hpv2_1 hpv2_2 hpv2_3 hpv4_1 hpv4_2 hpv4_3"
HPV9 = "hpv9_1 hpv9_2 hpv9_3"
HZ = "hz_live hz_rzv_1 hz_rzv_2"
DISABLED_60 = "60〜64歳は心臓・腎臓・呼吸器の機能又はHIVによる免疫の機能に身体障害者手帳1級相当の障害がある方のみ"

WINDOWS = [
    *W(DPT5, "age", from_age="2m", to_age="90m", valid_from="2024-04-01", note="生後2月から生後90月に至るまで"),
    *W(DPT4, "age", from_age="3m", to_age="90m", valid_from="2012-11-01", valid_to="2023-03-31",
       note="生後3月から生後90月に至るまで(令和5年3月まで)"),
    *W(DPT4, "age", from_age="2m", to_age="90m", valid_from="2023-04-01", note="生後2月から生後90月に至るまで"),
    *W(HIB, "age", from_age="2m", to_age="60m", valid_from="2013-04-01", note="生後2月から生後60月に至るまで"),
    *W(PCV, "age", from_age="2m", to_age="60m", valid_from="2013-04-01", note="生後2月から生後60月に至るまで"),
    *W(HEPB, "age", to_age="1y", valid_from="2016-10-01", birth_from="2016-04-01",
       note="1歳に至るまで(平成28年4月1日以後の出生)"),
    *W("rota1_1 rota1_2", "age", from_age="6w", to_age="24w", valid_from="2020-10-01", birth_from="2020-08-01",
       note="出生6週0日後から24週0日後まで"),
    *W("rota5_1 rota5_2 rota5_3", "age", from_age="6w", to_age="32w", valid_from="2020-10-01",
       birth_from="2020-08-01", note="出生6週0日後から32週0日後まで"),
    *W("bcg", "age", to_age="6m", valid_to="2013-03-31", note="生後6月に至るまで(平成25年3月まで)"),
    *W("bcg", "age", to_age="1y", valid_from="2013-04-01", note="1歳に至るまで"),
    *W("mr_1", "age", from_age="1y", to_age="2y", valid_from="2006-04-01", note="生後12月から生後24月に至るまで"),
    *W("mr_1", "any", label="特例(令和6年度の供給不足)", birth_from="2022-04-02", birth_to="2023-04-01",
       valid_from="2025-04-01", valid_to="2027-03-31", is_special=True,
       note="令和6年度に1期の対象だった方(令和4年4月2日〜令和5年4月1日生まれ)は令和9年3月31日まで"),
    *W("mr_2", "school_year", from_age="5y", to_age="7y", to_inclusive=False, valid_from="2006-04-01",
       note="5歳以上7歳未満で小学校就学前の1年間(4月1日〜3月31日)"),
    *W("mr_2", "any", label="特例(令和6年度の供給不足)", birth_from="2018-04-02", birth_to="2019-04-01",
       valid_from="2025-04-01", valid_to="2027-03-31", is_special=True,
       note="令和6年度に2期の対象だった方(平成30年4月2日〜平成31年4月1日生まれ)は令和9年3月31日まで"),
    *W("varicella_1 varicella_2", "age", from_age="1y", to_age="3y", valid_from="2014-10-01",
       note="生後12月から生後36月に至るまで"),
    *W(JE1, "age", from_age="6m", to_age="90m", note="生後6月から生後90月に至るまで"),
    *W("je_2", "age", from_age="9y", to_age="13y", to_inclusive=False, note="9歳以上13歳未満"),
    *W(f"{JE1} je_2", "age", label="特例(平成7〜18年度生まれ)", to_age="20y", to_inclusive=False,
       birth_from="1995-04-02", birth_to="2007-04-01", is_special=True,
       note="平成7年4月2日〜平成19年4月1日生まれは20歳未満まで"),
    *W(JE1, "age", label="特例(平成19年4月2日〜平成21年10月1日生まれ)", from_age="9y", to_age="13y",
       to_inclusive=False, birth_from="2007-04-02", birth_to="2009-10-01", is_special=True,
       note="1期の残りを9歳以上13歳未満で"),
    *W("dt_2", "age", from_age="11y", to_age="13y", to_inclusive=False, note="11歳以上13歳未満"),
    *W(HPV23, "fy_reach", from_age="12y", to_age="16y", valid_from="2013-04-01",
       note="12歳となる年度の初日から16歳となる年度の末日まで(小学6年〜高校1年相当)"),
    *W(HPV9, "fy_reach", from_age="12y", to_age="16y", valid_from="2023-04-01",
       note="12歳となる年度の初日から16歳となる年度の末日まで(小学6年〜高校1年相当)"),
    *W(f"{HPV23} {HPV9}", "any", label="キャッチアップ", birth_from="1997-04-02", birth_to="2009-04-01",
       valid_from="2022-04-01", valid_to="2025-03-31", is_special=True,
       note="平成9年4月2日〜平成21年4月1日生まれの女性(令和7年3月31日まで)"),
    *W(f"{HPV23} {HPV9}", "any", label="キャッチアップ完了の経過措置", birth_from="1997-04-02",
       birth_to="2009-04-01", valid_from="2025-04-01", valid_to="2026-03-31", started_from="2022-04-01",
       started_to="2025-03-31", is_special=True,
       note="令和4年4月1日〜令和7年3月31日に1回以上接種した方は令和8年3月31日まで残りを接種できます"),
    *W("rsv_maternal", "pregnancy", valid_from="2026-04-01", note="接種日に妊娠28週0日〜36週6日の方"),
    *W("rubella_5", "any", birth_from="1962-04-02", birth_to="1979-04-01", valid_from="2019-04-01",
       valid_to="2027-03-31", condition="rubella_low_antibody",
       note="昭和37年4月2日〜昭和54年4月1日生まれの男性で、抗体検査の結果、抗体価が不十分だった方"),
    *W("flu_elderly", "age", from_age="65y", season_from="10-01", season_to="01-31", note="接種日に65歳以上"),
    *W("flu_elderly", "age", label="60〜64歳(障害1級相当)", from_age="60y", to_age="65y", to_inclusive=False,
       season_from="10-01", season_to="01-31", condition="disability_1", note=DISABLED_60),
    *W("covid_elderly", "age", from_age="65y", season_from="10-01", season_to="03-31", valid_from="2024-10-01",
       note="接種日に65歳以上"),
    *W("covid_elderly", "age", label="60〜64歳(障害1級相当)", from_age="60y", to_age="65y", to_inclusive=False,
       season_from="10-01", season_to="03-31", valid_from="2024-10-01", condition="disability_1", note=DISABLED_60),
    *W("ppv_elderly", "fy_end_age", label="経過措置(平成26〜30年度)", fy_ages="65,70,75,80,85,90,95,100",
       valid_from="2014-10-01", valid_to="2019-03-31", note="年度内に65・70・75…100歳となる方"),
    *W("ppv_elderly", "fy_end_age", label="経過措置(令和元〜5年度)", fy_ages="65,70,75,80,85,90,95,100",
       valid_from="2019-04-01", valid_to="2024-03-31", note="年度内に65・70・75…100歳となる方"),
    *W("ppv_elderly", "age", from_age="65y", to_age="66y", to_inclusive=False, valid_from="2024-04-01",
       note="65歳の方(65歳に至った日から66歳に至る前日まで)"),
    *W("ppv_elderly", "age", label="60〜64歳(障害1級相当)", from_age="60y", to_age="65y", to_inclusive=False,
       valid_from="2014-10-01", condition="disability_1", note=DISABLED_60),
    *W(HZ, "fy_end_age", fy_ages="65", valid_from="2025-04-01", note="年度内に65歳となる方"),
    *W(HZ, "fy_end_age", label="経過措置(令和7〜11年度)", fy_ages="70,75,80,85,90,95,100",
       valid_from="2025-04-01", valid_to="2030-03-31",
       note="年度内に70・75・80・85・90・95・100歳となる方(令和7〜11年度)"),
    *W(HZ, "fy_end_age", label="経過措置(令和7年度 100歳以上)", fy_ages="100-",
       valid_from="2025-04-01", valid_to="2026-03-31", note="令和7年度に限り100歳以上の方全員"),
    *W(HZ, "age", label="60〜64歳(HIV 1級相当)", from_age="60y", to_age="65y", to_inclusive=False,
       valid_from="2025-04-01", condition="hiv_1",
       note="60〜64歳はHIVによる免疫の機能に身体障害者手帳1級相当の障害がある方のみ"),
]


def P(vaccine, key, label, steps, priority=1, first_age_to="", valid_from=None, valid_to=None, note=""):
    return dict(vaccine=vaccine, key=key, label=label, steps=steps, priority=priority, first_age_to=first_age_to,
                valid_from=valid_from, valid_to=valid_to, note=note)


def S(dose, **kw):
    return dict(dose=dose, **kw)


def _dpt(prefix):
    return [
        S(f"{prefix}_1i1", std_kind="age", std_from="2m", std_to="7m"),
        S(f"{prefix}_1i2", min_after_prev="20d", std_kind="after_prev", std_from="20d", std_to="56d"),
        S(f"{prefix}_1i3", min_after_prev="20d", std_kind="after_prev", std_from="20d", std_to="56d"),
        S(f"{prefix}_1b", min_after_prev="6m", std_kind="after_prev", std_from="6m", std_to="18m"),
    ]


HIB_BOOST = dict(min_after_prev="7m", min_after_prev_if_skipped="27d", std_kind="after_prev", std_from="7m",
                 std_to="13m")
PCV_BOOST = dict(min_after_prev="60d", min_age="12m", std_kind="age", std_from="12m", std_to="15m")

PLANS = [
    P("dpt_ipv_hib", "standard", "1期初回3回+追加1回", _dpt("dpt_ipv_hib")),
    P("dpt_ipv", "standard", "1期初回3回+追加1回", _dpt("dpt_ipv")),
    P("hib", "start_2_7", "生後2〜7月に開始: 初回3回+追加1回", first_age_to="7m", priority=1, steps=[
        S("hib_1i1", std_kind="age", std_from="2m", std_to="7m"),
        S("hib_1i2", min_after_prev="27d", deadline_age="12m", skip_after_deadline=True, std_kind="after_prev",
          std_from="27d", std_to="56d"),
        S("hib_1i3", min_after_prev="27d", deadline_age="12m", skip_after_deadline=True, std_kind="after_prev",
          std_from="27d", std_to="56d"),
        S("hib_1b", **HIB_BOOST),
    ]),
    P("hib", "start_7_12", "生後7〜12月に開始: 初回2回+追加1回", first_age_to="12m", priority=2, steps=[
        S("hib_1i1", std_kind="legal"),
        S("hib_1i2", min_after_prev="27d", deadline_age="12m", skip_after_deadline=True, std_kind="after_prev",
          std_from="27d", std_to="56d"),
        S("hib_1b", **HIB_BOOST),
    ]),
    P("hib", "start_12_60", "1歳〜5歳に開始: 1回", first_age_to="60m", priority=3, steps=[S("hib_1i1")]),
    P("pcv", "start_2_7", "生後2〜7月に開始: 初回3回+追加1回", first_age_to="7m", priority=1, steps=[
        S("pcv_1i1", std_kind="age", std_from="2m", std_to="7m"),
        S("pcv_1i2", min_after_prev="27d", deadline_age="24m", skip_after_deadline=True, std_kind="after_prev",
          std_from="27d", std_to="56d"),
        S("pcv_1i3", min_after_prev="27d", deadline_age="24m", skip_after_deadline=True,
          skip_if_prev_after_age="12m", std_kind="after_prev", std_from="27d", std_to="56d"),
        S("pcv_1b", **PCV_BOOST),
    ]),
    P("pcv", "start_7_12", "生後7〜12月に開始: 初回2回+追加1回", first_age_to="12m", priority=2, steps=[
        S("pcv_1i1", std_kind="legal"),
        S("pcv_1i2", min_after_prev="27d", deadline_age="24m", skip_after_deadline=True, std_kind="after_prev",
          std_from="27d", std_to="56d"),
        S("pcv_1b", **PCV_BOOST),
    ]),
    P("pcv", "start_12_24", "生後12〜24月に開始: 2回(60日以上の間隔)", first_age_to="24m", priority=3, steps=[
        S("pcv_1i1"),
        S("pcv_1b", min_after_prev="60d"),
    ]),
    P("pcv", "start_24_60", "生後24〜60月に開始: 1回", first_age_to="60m", priority=4, steps=[S("pcv_1i1")]),
    P("hepb", "standard", "3回", [
        S("hepb_1", std_kind="age", std_from="2m", std_to="9m"),
        S("hepb_2", min_after_prev="27d", std_kind="age", std_from="2m", std_to="9m"),
        S("hepb_3", min_after_first="139d", std_kind="age", std_from="2m", std_to="9m"),
    ]),
    P("rota1", "standard", "2回", [
        S("rota1_1", std_kind="age", std_from="2m", std_to="14w6d"),
        S("rota1_2", min_after_prev="27d"),
    ]),
    P("rota5", "standard", "3回", [
        S("rota5_1", std_kind="age", std_from="2m", std_to="14w6d"),
        S("rota5_2", min_after_prev="27d"),
        S("rota5_3", min_after_prev="27d"),
    ]),
    P("bcg", "standard", "1回", [S("bcg", std_kind="age", std_from="5m", std_to="8m")]),
    P("mr", "standard", "1期・2期", [S("mr_1", std_kind="age", std_from="1y", std_to="15m"), S("mr_2")]),
    P("varicella", "standard", "2回", [
        S("varicella_1", std_kind="age", std_from="1y", std_to="15m"),
        S("varicella_2", min_after_prev="3m", std_kind="after_prev", std_from="6m", std_to="12m"),
    ]),
    P("je", "standard", "1期初回2回・1期追加・2期", [
        S("je_1i1", std_kind="age", std_from="3y", std_to="4y"),
        S("je_1i2", min_after_prev="6d", std_kind="after_prev", std_from="6d", std_to="28d"),
        S("je_1b", min_after_prev="6m", std_kind="age", std_from="4y", std_to="5y"),
        S("je_2", std_kind="age", std_from="9y", std_to="10y"),
    ]),
    P("dt", "standard", "1回", [S("dt_2", std_kind="fy_reach", std_from="12y", std_to="12y")]),
    P("hpv2", "standard", "3回", [
        S("hpv2_1", std_kind="fy_reach", std_from="13y", std_to="13y"),
        S("hpv2_2", min_after_prev="1m", std_kind="after_prev", std_from="1m", std_to="2m"),
        S("hpv2_3", min_after_prev="2m15d", min_after_first="5m", std_kind="after_prev", std_from="5m", std_to="6m"),
    ]),
    P("hpv4", "standard", "3回", [
        S("hpv4_1", std_kind="fy_reach", std_from="13y", std_to="13y"),
        S("hpv4_2", min_after_prev="1m", std_kind="after_prev", std_from="2m", std_to="3m"),
        S("hpv4_3", min_after_prev="3m", std_kind="after_prev", std_from="4m", std_to="5m"),
    ]),
    P("hpv9", "two_dose", "15歳に至るまでに開始: 2回", first_age_to="15y", priority=1, valid_from="2023-04-01", steps=[
        S("hpv9_1", std_kind="fy_reach", std_from="13y", std_to="13y"),
        S("hpv9_2", min_after_prev="5m", std_kind="after_prev", std_from="6m", std_to="12m"),
    ]),
    P("hpv9", "three_dose", "3回", priority=2, steps=[
        S("hpv9_1", std_kind="fy_reach", std_from="13y", std_to="13y"),
        S("hpv9_2", min_after_prev="1m", std_kind="after_prev", std_from="2m", std_to="3m"),
        S("hpv9_3", min_after_prev="3m", std_kind="after_prev", std_from="4m", std_to="5m"),
    ]),
    P("rsv_maternal", "standard", "1回", [S("rsv_maternal")]),
    P("rubella_5", "standard", "1回", [S("rubella_5")]),
    P("flu_elderly", "standard", "年度1回", [S("flu_elderly", std_kind="season", std_from="10-01", std_to="12-31")]),
    P("covid_elderly", "standard", "年度1回", [S("covid_elderly", std_kind="legal")]),
    P("ppv_elderly", "standard", "生涯1回", [S("ppv_elderly")]),
    P("hz_live", "standard", "1回", [S("hz_live")]),
    P("hz_rzv", "standard", "2回", [
        S("hz_rzv_1"),
        S("hz_rzv_2", min_after_prev="2m", std_kind="after_prev", std_from="2m", std_to="6m"),
    ]),
]

GENERAL_INTERVALS = [
    dict(prev_kind="live_injectable", next_kind="any", min_gap="27d", valid_to="2020-09-30",
         note="令和2年9月まで: 生ワクチンの後は中27日以上"),
    dict(prev_kind="live_oral", next_kind="any", min_gap="27d", valid_to="2020-09-30",
         note="令和2年9月まで: 生ワクチンの後は中27日以上"),
    dict(prev_kind="inactivated", next_kind="any", min_gap="6d", valid_to="2020-09-30",
         note="令和2年9月まで: 不活化ワクチンの後は中6日以上"),
    dict(prev_kind="live_injectable", next_kind="live_injectable", min_gap="27d", valid_from="2020-10-01",
         note="注射生ワクチン同士は中27日以上(令和2年10月から)"),
]
