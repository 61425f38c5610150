/**
 * k-means: k-means++ seeding and Lloyd's iterations with Hamerly's bounds, restarts on several threads with a
 * result that does not depend on them.
 */
package org.dcec4j.dcec.cluster;
