//! Distance on the earth: a latitude/longitude bounding box around a point,
//! for the SQL cut (SQLite has no trigonometry here), and the exact
//! great-circle (haversine) distance, computed in Rust on what the box let
//! through.

/// The mean earth radius, km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A place by latitude and longitude, degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Latitude, -90..=90.
    pub lat: f64,
    /// Longitude, -180..=180.
    pub lng: f64,
}

/// The box of latitudes and longitudes holding every point within a radius
/// of a centre (it holds more: the corners; the exact distance decides).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BoundingBox {
    /// Lowest latitude.
    pub min_lat: f64,
    /// Highest latitude.
    pub max_lat: f64,
    /// Lowest longitude.
    pub min_lng: f64,
    /// Highest longitude.
    pub max_lng: f64,
}

impl BoundingBox {
    /// The box around `centre` holding every point within `radius_km`.
    /// Near a pole, or when the radius spans the antimeridian, the box
    /// takes every longitude (never too small, only too large).
    pub fn around(centre: Point, radius_km: f64) -> Self {
        let dlat = (radius_km / EARTH_RADIUS_KM).to_degrees();
        let min_lat = (centre.lat - dlat).max(-90.0);
        let max_lat = (centre.lat + dlat).min(90.0);
        let widest = min_lat.abs().max(max_lat.abs());
        let cos = widest.to_radians().cos();
        let (mut min_lng, mut max_lng) = (-180.0, 180.0);
        if widest < 89.9 && cos > 0.0 {
            let dlng = dlat / cos;
            if centre.lng - dlng >= -180.0 && centre.lng + dlng <= 180.0 {
                min_lng = centre.lng - dlng;
                max_lng = centre.lng + dlng;
            }
        }
        Self {
            min_lat,
            max_lat,
            min_lng,
            max_lng,
        }
    }

    /// Whether `p` lies in the box.
    pub fn contains(&self, p: Point) -> bool {
        (self.min_lat..=self.max_lat).contains(&p.lat) && (self.min_lng..=self.max_lng).contains(&p.lng)
    }
}

/// The great-circle distance between `a` and `b`, km (haversine).
pub fn distance_km(a: Point, b: Point) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlng = (b.lng - a.lng).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlng / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAJKOT: Point = Point {
        lat: 22.3039,
        lng: 70.8022,
    };
    const AHMEDABAD: Point = Point {
        lat: 23.0225,
        lng: 72.5714,
    };

    #[test]
    fn haversine_matches_a_known_distance() {
        let d = distance_km(RAJKOT, AHMEDABAD);
        assert!((d - 198.6).abs() < 1.0, "{d}");
        assert!(distance_km(RAJKOT, RAJKOT).abs() < 1e-9);
    }

    #[test]
    fn the_box_holds_the_circle() {
        let b = BoundingBox::around(RAJKOT, 200.0);
        assert!(b.contains(AHMEDABAD), "198.6 km away: {b:?}");
        assert!(!BoundingBox::around(RAJKOT, 150.0).contains(AHMEDABAD));
        // Every point on the circle's edge lies in the box.
        for step in 0..36 {
            let bearing = f64::from(step) * 10.0_f64.to_radians();
            let d = 199.0 / EARTH_RADIUS_KM;
            let lat1 = RAJKOT.lat.to_radians();
            let lat = (lat1.sin() * d.cos() + lat1.cos() * d.sin() * bearing.cos()).asin();
            let lng = RAJKOT.lng.to_radians()
                + (bearing.sin() * d.sin() * lat1.cos()).atan2(d.cos() - lat1.sin() * lat.sin());
            let p = Point {
                lat: lat.to_degrees(),
                lng: lng.to_degrees(),
            };
            assert!(b.contains(p), "{p:?}");
        }
        let polar = BoundingBox::around(Point { lat: 89.95, lng: 0.0 }, 50.0);
        assert_eq!((polar.min_lng, polar.max_lng), (-180.0, 180.0));
    }
}
