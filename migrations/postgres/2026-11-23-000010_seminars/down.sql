DROP TABLE registrations;
DROP TABLE seminars;
