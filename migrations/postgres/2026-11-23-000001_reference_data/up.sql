-- Reference data of DESIGN.md §5: prefectures (JIS X 0401), industries, employee bands, service categories.

CREATE TABLE prefectures (
    code INTEGER PRIMARY KEY,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    kyushu BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE industries (
    code TEXT PRIMARY KEY,
    label_ja TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE employee_bands (
    code TEXT PRIMARY KEY,
    label_ja TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL,
    min_employees INTEGER NOT NULL,
    max_employees INTEGER
);

CREATE TABLE service_category_groups (
    code TEXT PRIMARY KEY,
    label_ja TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL
);

CREATE TABLE service_categories (
    code TEXT PRIMARY KEY,
    group_code TEXT NOT NULL REFERENCES service_category_groups (code),
    label_ja TEXT NOT NULL,
    label_en TEXT NOT NULL,
    position INTEGER NOT NULL,
    -- for packages (E1 お助け隊): the categories the package covers, comma-separated
    covers TEXT
);

INSERT INTO prefectures (code, name_ja, name_en, kyushu) VALUES
    (1, '北海道', 'Hokkaido', FALSE),
    (2, '青森県', 'Aomori', FALSE),
    (3, '岩手県', 'Iwate', FALSE),
    (4, '宮城県', 'Miyagi', FALSE),
    (5, '秋田県', 'Akita', FALSE),
    (6, '山形県', 'Yamagata', FALSE),
    (7, '福島県', 'Fukushima', FALSE),
    (8, '茨城県', 'Ibaraki', FALSE),
    (9, '栃木県', 'Tochigi', FALSE),
    (10, '群馬県', 'Gunma', FALSE),
    (11, '埼玉県', 'Saitama', FALSE),
    (12, '千葉県', 'Chiba', FALSE),
    (13, '東京都', 'Tokyo', FALSE),
    (14, '神奈川県', 'Kanagawa', FALSE),
    (15, '新潟県', 'Niigata', FALSE),
    (16, '富山県', 'Toyama', FALSE),
    (17, '石川県', 'Ishikawa', FALSE),
    (18, '福井県', 'Fukui', FALSE),
    (19, '山梨県', 'Yamanashi', FALSE),
    (20, '長野県', 'Nagano', FALSE),
    (21, '岐阜県', 'Gifu', FALSE),
    (22, '静岡県', 'Shizuoka', FALSE),
    (23, '愛知県', 'Aichi', FALSE),
    (24, '三重県', 'Mie', FALSE),
    (25, '滋賀県', 'Shiga', FALSE),
    (26, '京都府', 'Kyoto', FALSE),
    (27, '大阪府', 'Osaka', FALSE),
    (28, '兵庫県', 'Hyogo', FALSE),
    (29, '奈良県', 'Nara', FALSE),
    (30, '和歌山県', 'Wakayama', FALSE),
    (31, '鳥取県', 'Tottori', FALSE),
    (32, '島根県', 'Shimane', FALSE),
    (33, '岡山県', 'Okayama', FALSE),
    (34, '広島県', 'Hiroshima', FALSE),
    (35, '山口県', 'Yamaguchi', FALSE),
    (36, '徳島県', 'Tokushima', FALSE),
    (37, '香川県', 'Kagawa', FALSE),
    (38, '愛媛県', 'Ehime', FALSE),
    (39, '高知県', 'Kochi', FALSE),
    (40, '福岡県', 'Fukuoka', TRUE),
    (41, '佐賀県', 'Saga', TRUE),
    (42, '長崎県', 'Nagasaki', TRUE),
    (43, '熊本県', 'Kumamoto', TRUE),
    (44, '大分県', 'Oita', TRUE),
    (45, '宮崎県', 'Miyazaki', TRUE),
    (46, '鹿児島県', 'Kagoshima', TRUE),
    (47, '沖縄県', 'Okinawa', FALSE);

INSERT INTO industries (code, label_ja, label_en, position) VALUES
    ('machinery_metal', '機械・金属', 'Machinery and metals', 1),
    ('overseas_business', '海外ビジネス', 'Overseas business', 2),
    ('medical_pharmacy', '医療・薬局', 'Medical and pharmacy', 3),
    ('space', '宇宙産業', 'Space industry', 4),
    ('agriculture', '農業', 'Agriculture', 5),
    ('forestry', '林業', 'Forestry', 6),
    ('ec', 'EC・通販', 'E-commerce and mail order', 7),
    ('satellite_data', '衛星データ利活用', 'Satellite data', 8),
    ('manufacturing', '製造業', 'Manufacturing', 9),
    ('automotive', '自動車', 'Automotive', 10),
    ('defense_aerospace', '防衛・航空宇宙', 'Defence and aerospace', 11),
    ('other', 'その他', 'Other', 12);

INSERT INTO employee_bands (code, label_ja, label_en, position, min_employees, max_employees) VALUES
    ('1-5', '1〜5人', '1–5', 1, 1, 5),
    ('6-20', '6〜20人', '6–20', 2, 6, 20),
    ('21-50', '21〜50人', '21–50', 3, 21, 50),
    ('51-100', '51〜100人', '51–100', 4, 51, 100),
    ('101-300', '101〜300人', '101–300', 5, 101, 300),
    ('301+', '301人以上', '301 or more', 6, 301, NULL);

INSERT INTO service_category_groups (code, label_ja, label_en, position) VALUES
    ('A', '相談・診断', 'Consultation and assessment', 1),
    ('B', '監視・防御', 'Monitoring and protection', 2),
    ('C', '緊急時対応', 'Incident response', 3),
    ('D', '体制・教育', 'Organisation and training', 4),
    ('E', '制度・パッケージ', 'Programmes and packages', 5);

INSERT INTO service_categories (code, group_code, label_ja, label_en, position, covers) VALUES
    ('A1', 'A', '相談窓口・顧問', 'Help desk and advisory', 1, NULL),
    ('A2', 'A', '自社診断・SECURITY ACTION 宣言支援', 'Self-assessment and SECURITY ACTION declaration support', 2, NULL),
    ('A3', 'A', 'リスク評価', 'Risk assessment', 3, NULL),
    ('A4', 'A', '脆弱性診断', 'Vulnerability assessment', 4, NULL),
    ('A5', 'A', 'ペネトレーションテスト', 'Penetration testing', 5, NULL),
    ('B1', 'B', 'ネットワーク監視 UTM', 'Network monitoring (UTM)', 6, NULL),
    ('B2', 'B', '端末監視 EDR/EPP', 'Endpoint monitoring (EDR/EPP)', 7, NULL),
    ('B3', 'B', '24時間監視 SOC/MDR', '24/7 monitoring (SOC/MDR)', 8, NULL),
    ('B4', 'B', 'メール・フィッシング対策', 'Mail and phishing protection', 9, NULL),
    ('B5', 'B', 'クラウド設定', 'Cloud configuration', 10, NULL),
    ('B6', 'B', '認証・MFA', 'Authentication and MFA', 11, NULL),
    ('B7', 'B', 'バックアップ・復旧', 'Backup and recovery', 12, NULL),
    ('B8', 'B', 'Web/ECサイト保護', 'Web and e-commerce site protection', 13, NULL),
    ('B9', 'B', '資産・更新管理', 'Asset and patch management', 14, NULL),
    ('C1', 'C', '初動対応・駆付け', 'First response and on-site dispatch', 15, NULL),
    ('C2', 'C', '原因調査', 'Forensic investigation', 16, NULL),
    ('C3', 'C', '復旧・再発防止', 'Recovery and prevention of recurrence', 17, NULL),
    ('C4', 'C', 'サイバー保険', 'Cyber insurance', 18, NULL),
    ('D1', 'D', '規程策定', 'Security policies', 19, NULL),
    ('D2', 'D', '従業員教育・訓練メール', 'Staff training and phishing drills', 20, NULL),
    ('D3', 'D', '机上演習', 'Tabletop exercises', 21, NULL),
    ('D4', 'D', 'BCP・対応手順', 'BCP and response procedures', 22, NULL),
    ('D5', 'D', '取引先・サプライチェーン管理', 'Supplier and supply-chain management', 23, NULL),
    ('E1', 'E', 'サイバーセキュリティお助け隊サービス', 'Cyber Security Otasuketai service', 24, 'A1,B1,B2,B3,C1,C4'),
    ('E2', 'E', 'IT導入補助金 申請支援', 'IT Introduction Subsidy application support', 25, NULL),
    ('E3', 'E', '認証取得支援', 'Certification support', 26, NULL);
