DROP TABLE service_categories;
DROP TABLE service_category_groups;
DROP TABLE employee_bands;
DROP TABLE industries;
DROP TABLE prefectures;
