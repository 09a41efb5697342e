DROP TABLE organization_applications;
